package dev.stemma.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Well-formed records for tests, built from a seed. */
public final class SampleRecords {
    private SampleRecords() {}

    public static RunManifest manifest(String runId) {
        return new RunManifest(runId, Instant.parse("2026-11-22T06:00:00.123456789Z"), 42L,
                new SoftwareVersions("17.0.15", "0.35.1", "2.7.1", "0.1.0"),
                "ab".repeat(32), Map.of("idx:/usr/share/datasets/fashion-mnist", "cd".repeat(32)),
                Map.of("lora.rank", "8", "lr", "0.001", "concepts", "Shirt,Bag"),
                List.of("Shirt", "Bag"),
                List.of(new ProbeSpec(0, ProbeSpec.Kind.TRAINING_IMAGE, "Shirt/0001", "Shirt"),
                        new ProbeSpec(1, ProbeSpec.Kind.GENERATION, "gen/Bag/0", "Bag")),
                List.of(new RunManifest.TensorShape("down1.conv/lora_a", DType.FLOAT32, new int[] {8, 32})));
    }

    public static StepSnapshot step(String runId, long step, Random random) {
        List<BatchItem> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(new BatchItem("Shirt/" + random.nextInt(100), random.nextInt(1000), random.nextLong()));
        }
        List<NamedTensor> factors = List.of(
                new NamedTensor("down1.conv/lora_b", Tensor.float32(new int[] {16, 8}, floats(random, 128))),
                new NamedTensor("down1.conv/lora_a", Tensor.float32(new int[] {8, 32}, floats(random, 256))));
        List<ProbeActivation> acts = List.of(
                new ProbeActivation(1, "mid", 600, Conditioning.NULL_TOKEN, Pooling.GLOBAL_MEAN,
                        Tensor.float16(new int[] {64}, floats(random, 64))),
                new ProbeActivation(0, "up1", 200, Conditioning.OWN_TOKEN, new Pooling(2),
                        Tensor.float32(new int[] {64, 2, 2}, floats(random, 256))));
        return new StepSnapshot(runId, step, random.nextFloat(), 1e-3f, batch, factors, acts);
    }

    public static EndOfRun end(String runId, long steps) {
        byte[] digest = new byte[EndOfRun.DIGEST_BYTES];
        new Random(steps).nextBytes(digest);
        return new EndOfRun(runId, steps, EndOfRun.Status.COMPLETED, Instant.ofEpochSecond(1_790_000_000L, 5), digest);
    }

    static float[] floats(Random random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return f;
    }
}
