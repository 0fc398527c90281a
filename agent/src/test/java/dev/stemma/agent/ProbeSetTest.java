package dev.stemma.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stemma.protocol.Pooling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe set's captures, on a tiny real DJL model. */
class ProbeSetTest {

    /**
     * Pairs of (probe, timestep) are taken a batch at a time with timesteps mixed in one forward;
     * whatever the batch, each probe's activation at each timestep must be the one it gets alone.
     */
    @Test
    void shouldRecordTheSameActivationsWhateverTheProbeBatchSizeWithTimestepsMixedInOneForward() throws Exception {
        try (TinyDenoiser model = new TinyDenoiser(4)) {
            model.train(1, List.of());
            Map<String, float[]> alone = captured(model, 1);
            for (int batch : new int[] {7, 1000}) { // batches that straddle the two timesteps; everything in one forward
                Map<String, float[]> batched = captured(model, batch);
                assertEquals(alone.keySet(), batched.keySet());
                batched.forEach((k, v) -> assertArrayEquals(alone.get(k), v, 1e-5f, k + " in batches of " + batch));
            }
            // and each is the probe's own forward at its timestep, with its slice of that timestep's noise
            Map<String, float[]> mixed = captured(model, 7);
            int pixels = TinyDenoiser.SIZE * TinyDenoiser.SIZE;
            for (int probe : new int[] {0, 6}) { // training images: 4 of "a", then 4 of "b"
                for (int t : new int[] {200, 600}) {
                    float[] noise = ProbeNoise.values(5, t, 10 * pixels);
                    try (NDManager m = model.trainer().getManager().newSubManager()) {
                        NDArray x = m.create(model.trainingImages().get(probe < 4 ? probe : probe + 2).pixels(),
                                new Shape(1, 1, TinyDenoiser.SIZE, TinyDenoiser.SIZE));
                        NDArray eps = m.create(java.util.Arrays.copyOfRange(noise, probe * pixels, (probe + 1) * pixels),
                                new Shape(1, 1, TinyDenoiser.SIZE, TinyDenoiser.SIZE));
                        NDArray enc = model.probeForward(m, x, t, eps, java.util.Collections.singletonList(null),
                                java.util.Set.of("enc")).get("enc");
                        assertArrayEquals(ActivationPooler.pool(enc, Pooling.GLOBAL_MEAN).toFloatArray(),
                                mixed.get("enc@" + t + "/1#" + probe), 1e-5f, "probe " + probe + " at t=" + t);
                    }
                }
            }
        }
    }

    /** The captured values by (layer, timestep, pooling, probe), with the given probe batch size. */
    private static Map<String, float[]> captured(TinyDenoiser model, int probeBatch) {
        AgentConfig d = AgentConfig.defaults("probe-set-test", "unused:9092",
                new RunProvenance(5, "00".repeat(32), Map.of(), Map.of())).withProbes(4, 1);
        AgentConfig config = new AgentConfig(d.runId(), d.bootstrapServers(), d.topic(), 1, d.probesPerConcept(),
                d.generationsPerConcept(), d.layers(), List.of(200, 600), d.timestepSchedule(), d.conditionings(), d.poolings(),
                d.activationDtype(), probeBatch, d.queueCapacityBytes(), d.backpressure(), d.spillDir(), d.compression(),
                d.provenance());
        Map<String, float[]> out = new HashMap<>();
        try (NDManager m = model.trainer().getManager().newSubManager();
             ProbeSet probes = ProbeSet.build(config, model, m)) {
            for (StepCapture.ActivationBlock b : probes.capture(model, List.of(200, 600))) {
                int per = b.values().length / b.count();
                for (int i = 0; i < b.count(); i++) {
                    float[] one = java.util.Arrays.copyOfRange(b.values(), i * per, (i + 1) * per);
                    out.put(b.layer() + "@" + b.timestep() + "/" + b.pooling().grid() + "#" + (b.firstProbe() + i), one);
                }
            }
        }
        assertEquals(10 * 2 * 2 * 2, out.size(), "10 probes x 2 layers x 2 timesteps x 2 poolings");
        return out;
    }
}
