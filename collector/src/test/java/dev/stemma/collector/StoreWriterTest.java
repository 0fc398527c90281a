package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.MalformedRecordException.Reason;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write path against a real RocksDB in a temp dir: what gets stored, refused and linked. */
class StoreWriterTest {
    @TempDir
    Path dir;

    @Test
    void shouldStoreRunSoThatVerifyMatchesAgentDigest() {
        RunFixture run = new RunFixture("run-a", 12);
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            BatchOutcome out = write(store, RunFixture.incoming(run.records()));
            assertEquals(1, out.manifests());
            assertEquals(12, out.steps());
            assertEquals(1, out.ends());
            assertTrue(out.rejected().isEmpty());
            VerifyReport report = store.verify("run-a");
            assertTrue(report.passed(), report.toString());
            assertEquals(12, report.steps());
            assertEquals(run.digestHex(), report.finalDigestHex());
            assertTrue(report.endDigestMatches());
        }
    }

    @Test
    void shouldWriteSameStoreWhenBatchIsRedelivered() {
        RunFixture run = new RunFixture("run-b", 10);
        List<IncomingRecord> all = RunFixture.incoming(run.records());
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            write(store, all.subList(0, 8));
            // A crash before the commit: the poll from offset 3 comes again, in other poll sizes.
            write(store, all.subList(3, 6));
            write(store, all.subList(6, all.size()));
            write(store, all);
            VerifyReport report = store.verify("run-b");
            assertTrue(report.passed(), report.toString());
            assertEquals(10, report.steps());
            assertEquals(run.digestHex(), report.finalDigestHex());
            try (StoreIterator<StepSnapshot> it = store.metrics("run-b", 0, Long.MAX_VALUE)) {
                int n = 0;
                while (it.hasNext()) {
                    assertEquals(n++, it.next().step());
                }
                assertEquals(10, n);
            }
        }
    }

    @Test
    void shouldRelinkChainWhenStepArrivesLate() {
        RunFixture run = new RunFixture("run-c", 6);
        List<IncomingRecord> all = RunFixture.incoming(run.records());
        List<IncomingRecord> shuffled = new ArrayList<>(all);
        IncomingRecord step2 = shuffled.remove(3); // manifest is index 0, so step 2 is index 3
        shuffled.add(step2);
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            write(store, shuffled.subList(0, 4));
            write(store, shuffled.subList(4, shuffled.size()));
            VerifyReport report = store.verify("run-c");
            assertTrue(report.passed(), report.toString());
            assertEquals(run.digestHex(), report.finalDigestHex());
        }
    }

    @Test
    void shouldRejectUndecodableAndUnknownVersionAndNonFiniteRecords() {
        byte[] valid = RecordCodec.encode(SampleRecords.step("run-d", 0, new Random(0)));
        byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
        byte[] newerVersion = valid.clone();
        newerVersion[5] = 9; // u16 version after the four magic bytes
        StepSnapshot nan = new StepSnapshot("run-d", 1, Float.NaN, 1e-3f, List.of(), List.of(), List.of());
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            BatchOutcome out = write(store, List.of(RunFixture.raw(truncated), RunFixture.raw(newerVersion),
                    RunFixture.raw(RecordCodec.encode(nan)), RunFixture.raw(new byte[0])));
            assertEquals(List.of(Reason.TRUNCATED, Reason.UNSUPPORTED_VERSION, Reason.NON_FINITE, Reason.TRUNCATED),
                    out.rejected().stream().map(RejectedRecord::reason).toList());
            assertEquals(0, out.steps());
            assertTrue(store.runs().isEmpty());
        }
    }

    @Test
    void shouldRejectFactorThatDisagreesWithManifest() {
        StepSnapshot good = SampleRecords.step("run-e", 0, new Random(0));
        List<NamedTensor> factors = new ArrayList<>(good.factors());
        factors.removeIf(f -> f.name().equals("down1.conv/lora_a"));
        factors.add(new NamedTensor("down1.conv/lora_a", Tensor.float32(new int[] {4, 32}, new float[128])));
        StepSnapshot wrong = new StepSnapshot("run-e", 1, 0.5f, 1e-3f, good.batch(), factors, good.activations());
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            BatchOutcome out = write(store, RunFixture.incoming(List.of(SampleRecords.manifest("run-e"), good, wrong)));
            assertEquals(1, out.steps());
            assertEquals(1, out.rejected().size());
            assertEquals(Reason.SHAPE_MISMATCH, out.rejected().get(0).reason());
            assertTrue(out.rejected().get(0).message().contains("manifest"), out.rejected().get(0).message());
        }
    }

    @Test
    void shouldRejectActivationThatDisagreesWithFirstStoredShape() {
        StepSnapshot first = SampleRecords.step("run-f", 0, new Random(0));
        ProbeActivation odd = new ProbeActivation(1, "mid", 600, Conditioning.NULL_TOKEN, Pooling.GLOBAL_MEAN,
                Tensor.float16(new int[] {32}, new float[32]));
        StepSnapshot later = SampleRecords.step("run-f", 1, new Random(1)).withActivations(List.of(odd));
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            write(store, RunFixture.incoming(List.of(first)));
        }
        // Reopened: the first shape must come from the store, not from memory.
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            BatchOutcome out = write(store, RunFixture.incoming(List.of(later)));
            assertEquals(0, out.steps());
            assertEquals(Reason.SHAPE_MISMATCH, out.rejected().get(0).reason());
            assertTrue(out.rejected().get(0).message().contains("first stored"), out.rejected().get(0).message());
        }
    }

    @Test
    void shouldRefuseUnknownRunWithOneLine() {
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            write(store, RunFixture.incoming(new RunFixture("known", 2).records()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.verify("nope"));
            assertTrue(e.getMessage().startsWith("unknown run 'nope'"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseToOpenMissingStoreReadOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryStore.openReadOnly(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("no Stemma store"), e.getMessage());
    }

    static BatchOutcome write(TrajectoryStore store, List<IncomingRecord> records) {
        try (StoreWriter writer = new StoreWriter(store.handles(), new ShapeRegistry(store.handles()), true)) {
            return writer.write(records.stream().map(DecodedRecord::of).toList());
        }
    }
}
