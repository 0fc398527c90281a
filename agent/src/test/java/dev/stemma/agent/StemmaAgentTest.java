package dev.stemma.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.integrity.HashChain;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent on a tiny real DJL model, with an in-memory sink in place of Kafka. */
class StemmaAgentTest {
    private static final int STEPS = 12;

    @TempDir
    Path dir;

    private static AgentConfig config(int activationEvery) {
        return AgentConfig.defaults("agent-test", "unused:9092",
                        new RunProvenance(5, "00".repeat(32), Map.of("data", "11".repeat(32)), Map.of("lr", "0.01")))
                .withActivationEvery(activationEvery).withProbes(4, 1);
    }

    private static StemmaAgent agent(AgentConfig config, TinyDenoiser model, InMemorySink sink) {
        return new StemmaAgent(config, model, c -> sink, new AgentMetrics(new CollectorRegistry()));
    }

    @Test
    void shouldSendManifestEveryStepInOrderAndEndWithChainDigest() throws Exception {
        InMemorySink sink = new InMemorySink();
        try (TinyDenoiser model = new TinyDenoiser(1)) {
            StemmaAgent agent = agent(config(5), model, sink);
            model.train(STEPS, List.of(agent));
            List<StemmaRecord> records = sink.records();
            assertEquals(STEPS + 2, records.size());
            RunManifest manifest = assertInstanceOf(RunManifest.class, records.get(0));
            assertEquals(List.of("a", "b"), manifest.concepts());
            assertEquals(4 * 2 + 1 * 2, manifest.probes().size(), "4 images of each concept and 1 generation each");
            HashChain chain = HashChain.start("agent-test");
            for (int s = 0; s < STEPS; s++) {
                StepSnapshot snap = assertInstanceOf(StepSnapshot.class, records.get(s + 1));
                assertEquals(s, snap.step());
                assertEquals(2, snap.factors().size());
                assertEquals(4, snap.batch().size());
                assertTrue(Float.isFinite(snap.loss()) && snap.loss() > 0, "loss evaluated from the batch");
                // Activations every 5 steps, the timesteps in turn (200 at steps 0, 10, ..., 600 at 5, 15, ...):
                // 10 probes x 2 layers x 1 timestep x 1 conditioning x 2 poolings.
                assertEquals(s % 5 == 0 ? 10 * 2 * 2 : 0, snap.activations().size(), "step " + s);
                int turn = s % 10 == 0 ? 200 : 600;
                for (var a : snap.activations()) {
                    assertEquals(turn, a.timestep(), "step " + s + "'s timestep");
                }
                chain.append(snap);
            }
            EndOfRun end = assertInstanceOf(EndOfRun.class, records.get(STEPS + 1));
            assertEquals(STEPS, end.stepCount());
            assertArrayEquals(chain.digest(), end.finalDigest());
            assertEquals(end, agent.endOfRun());
        }
    }

    @Test
    void shouldReturnFromFlushOnlyOnceEveryStepSoFarIsSentAndKeepRecording() throws Exception {
        InMemorySink sink = new InMemorySink();
        try (TinyDenoiser model = new TinyDenoiser(6)) {
            StemmaAgent agent = agent(config(0), model, sink);
            sink.hold();
            AtomicLong sentAtFlush = new AtomicLong(-1);
            TrainingListener flushAtFour = new TrainingListenerAdapter() {
                @Override
                public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                    if (agent.stepsRecorded() == 4) {
                        // Kafka is slow: nothing has been sent yet, and flush must wait for it.
                        new Thread(() -> {
                            try {
                                Thread.sleep(300);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            sink.release();
                        }).start();
                        agent.flush();
                        try {
                            sentAtFlush.set(sink.records().size());
                        } catch (dev.stemma.protocol.MalformedRecordException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            model.train(STEPS, List.of(agent, flushAtFour));
            assertEquals(1 + 4, sentAtFlush.get(), "the manifest and the 4 steps recorded before the flush");
            assertEquals(STEPS + 2, sink.records().size(), "the run goes on to its end record after a flush");
        }
    }

    @Test
    void shouldPoolActivationsToRequestedShapes() throws Exception {
        InMemorySink sink = new InMemorySink();
        try (TinyDenoiser model = new TinyDenoiser(2)) {
            model.train(1, List.of(agent(config(1), model, sink)));
            StepSnapshot snap = (StepSnapshot) sink.records().get(1);
            for (ProbeActivation a : snap.activations()) {
                int[] expected = a.pooling().grid() == 1 ? new int[] {8} : new int[] {8, 2, 2};
                assertArrayEquals(expected, a.values().shape());
            }
        }
    }

    /** Replay is exact: base + the factors recorded at step t give the live model's output at step t. */
    @Test
    void shouldRebuildLiveModelOutputFromRecordedFactors() throws Exception {
        InMemorySink sink = new InMemorySink();
        float[] probe = new float[2 * TinyDenoiser.SIZE * TinyDenoiser.SIZE];
        Random r = new Random(3);
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (float) r.nextGaussian();
        }
        Map<Long, float[]> live = new HashMap<>();
        Map<Long, Map<String, float[]>> recorded = new LinkedHashMap<>();
        try (TinyDenoiser model = new TinyDenoiser(3)) {
            TrainingListener observer = new TrainingListenerAdapter() {
                @Override
                public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                    live.put(model.currentStep(), model.output(probe, 2));
                }
            };
            model.train(STEPS, List.of(agent(config(0), model, sink), observer));
            for (StemmaRecord rec : sink.records()) {
                if (rec instanceof StepSnapshot s) {
                    Map<String, float[]> f = new HashMap<>();
                    for (NamedTensor t : s.factors()) {
                        f.put(t.name(), t.value().toFloatArray());
                    }
                    recorded.put(s.step(), f);
                }
            }
        }
        try (TinyDenoiser rebuilt = new TinyDenoiser(3)) { // same seed: the same frozen base
            double maxDiff = 0;
            for (long step : new long[] {0, 5, STEPS - 1}) {
                rebuilt.loadAdapter(recorded.get(step));
                float[] out = rebuilt.output(probe, 2);
                for (int i = 0; i < out.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(out[i] - live.get(step)[i]));
                }
            }
            assertTrue(maxDiff <= 1e-5, "max abs difference " + maxDiff);
        }
    }

    @Test
    void shouldHoldTrainingWhileSinkIsBlockedAndLoseNothing() throws Exception {
        InMemorySink sink = new InMemorySink();
        AtomicLong stepsDone = new AtomicLong();
        try (TinyDenoiser model = new TinyDenoiser(4)) {
            AgentConfig cfg = new AgentConfig("agent-test", "unused:9092", "t", 0, 0, 0, List.of(), List.of(),
                    AgentConfig.TimestepSchedule.IN_TURN, List.of(), List.of(), dev.stemma.protocol.DType.FLOAT16, 1, 1 << 20,
                    AgentConfig.Backpressure.BLOCK, null, "none", config(0).provenance());
            StemmaAgent agent = agent(cfg, model, sink);
            sink.hold();
            Thread training = new Thread(() -> {
                model.train(STEPS, List.of(agent, new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        stepsDone.incrementAndGet();
                    }
                }));
            });
            training.start();
            Thread.sleep(1500);
            assertTrue(training.isAlive(), "training is held while the sink does not take records");
            sink.release();
            training.join(60_000);
            assertEquals(STEPS, stepsDone.get());
            assertEquals(STEPS + 2, sink.records().size());
        }
    }

    @Test
    void shouldSpillWhileSinkIsBlockedAndDeliverEverythingInOrderLater() throws Exception {
        InMemorySink sink = new InMemorySink();
        try (TinyDenoiser model = new TinyDenoiser(5)) {
            AgentConfig cfg = config(0).withBackpressure(AgentConfig.Backpressure.SPILL, dir);
            StemmaAgent agent = agent(cfg, model, sink);
            sink.hold();
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sink.release();
            });
            releaser.start();
            model.train(STEPS, List.of(agent));
            releaser.join();
            List<StemmaRecord> records = sink.records();
            assertEquals(STEPS + 2, records.size());
            for (int s = 0; s < STEPS; s++) {
                assertEquals(s, ((StepSnapshot) records.get(s + 1)).step());
            }
        }
    }
}
