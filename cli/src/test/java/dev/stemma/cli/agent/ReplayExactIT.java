package dev.stemma.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.RunProvenance;
import dev.stemma.agent.StemmaAgent;
import dev.stemma.cli.KafkaTestSupport;
import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.trainer.CustomiseConfig;
import dev.stemma.trainer.LoopSettings;
import dev.stemma.trainer.PretrainConfig;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.StemmaTrainer;
import dev.stemma.trainer.model.LoraSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay is exact: the U-Net rebuilt from the base plus the factors the agent recorded at step t
 * (through a real broker) predicts the same noise as the live model did at step t.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplayExactIT {
    private static final String SUBSET = "idx:../data/fashion-mnist-subset";
    private static final int STEPS = 8;
    private static final Set<Long> CHECKED = Set.of(0L, 3L, (long) STEPS - 1);

    @TempDir
    Path dir;

    @Test
    void shouldRebuildLiveNoisePredictionFromBasePlusRecordedFactors() throws Exception {
        Path base = dir.resolve("base");
        StemmaTrainer.pretrain(new PretrainConfig(SUBSET, List.of("Trouser", "Sandal"), base, 20, List.of(8, 16),
                new LoopSettings(4, 8, 1e-3f, 1, 1f, 3, 0.1, 0), 0.9f, false), line -> { });
        int size = 28 * 28;
        float[] x = new float[size];
        Random r = new Random(5);
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextGaussian() * 0.5);
        }
        int timestep = 400;
        float[] condition;
        Path adapter = dir.resolve("run.adapter");
        Map<Long, float[]> live = new HashMap<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            AgentConfig agentConfig = AgentConfig.defaults("replay-run", kafka.bootstrapServers(),
                    new RunProvenance(3, "00".repeat(32), Map.of(), Map.of())).withActivationEvery(0);
            CustomiseConfig config = new CustomiseConfig(base, SUBSET, List.of("Shirt", "Bag"), "replay-run", adapter, 4,
                    new LoraSpec(2, 4f), new LoopSettings(STEPS, 6, 1e-2f, 1, 1f, 11, 0.1, 0), 0.25, 1,
                    CustomiseConfig.DEFAULT_TOKEN_LR_SCALE, false);
            StemmaAgent[] agent = new StemmaAgent[1];
            StemmaTrainer.customise(config, monitored -> {
                agent[0] = StemmaAgent.from(agentConfig, monitored);
                return List.of(agent[0], new TrainingListenerAdapter() {
                    private long step;

                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        long s = step++;
                        if (CHECKED.contains(s)) {
                            live.put(s, liveNoise(trainer, x, timestep, conditionOf(monitored.concepts(), "Shirt")));
                        }
                    }
                });
            }, line -> { });
            assertEquals(STEPS, agent[0].endOfRun().stepCount());
            List<StemmaRecord> records = KafkaTestSupport.consumeRecords(kafka.bootstrapServers(), STEPS + 2);
            try (StemmaModel replay = StemmaModel.open(base, adapter)) {
                condition = replay.condition("Shirt");
                org.junit.jupiter.api.Assertions.assertArrayEquals(conditionOf(List.of("Shirt", "Bag"), "Shirt"), condition);
                double maxDiff = 0;
                int checked = 0;
                for (StemmaRecord rec : records) {
                    if (rec instanceof StepSnapshot s && CHECKED.contains(s.step())) {
                        Map<String, float[]> factors = new HashMap<>();
                        for (NamedTensor t : s.factors()) {
                            factors.put(t.name(), t.value().toFloatArray());
                        }
                        replay.setAdapterTensors(factors);
                        float[] rebuilt = replay.predictNoise(x, timestep, condition);
                        float[] expected = live.get(s.step());
                        for (int i = 0; i < rebuilt.length; i++) {
                            maxDiff = Math.max(maxDiff, Math.abs(rebuilt[i] - expected[i]));
                        }
                        checked++;
                    }
                }
                assertEquals(CHECKED.size(), checked);
                assertTrue(maxDiff <= 1e-5, "max abs difference " + maxDiff);
            }
        }
    }

    /** The conditioning row layout of StemmaModel: null row, base classes, then concepts. */
    private static float[] conditionOf(List<String> concepts, String concept) {
        float[] w = new float[1 + 2 + concepts.size()];
        w[1 + 2 + concepts.indexOf(concept)] = 1f;
        return w;
    }

    private static float[] liveNoise(Trainer trainer, float[] x, int timestep, float[] condition) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDList in = new NDList(m.create(x, new Shape(1, 1, 28, 28)), m.create(new float[] {timestep}),
                    m.create(condition, new Shape(1, condition.length)));
            return trainer.getModel().getBlock().forward(new ParameterStore(m, false), in, false).singletonOrThrow()
                    .toFloatArray();
        }
    }
}
