package dev.stemma.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.RunProvenance;
import dev.stemma.agent.StemmaAgent;
import dev.stemma.agent.TinyDenoiser;
import dev.stemma.cli.KafkaTestSupport;
import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real broker that goes away mid-run: every step arrives exactly once. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AgentKafkaIT {
    private static final int STEPS = 60;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryStepExactlyOnceAcrossBrokerRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")));
             TinyDenoiser model = new TinyDenoiser(11)) {
            AgentConfig config = AgentConfig.defaults("restart-run", kafka.bootstrapServers(),
                    new RunProvenance(11, "00".repeat(32), Map.of(), Map.of())).withActivationEvery(5).withProbes(4, 1);
            StemmaAgent agent = StemmaAgent.from(config, model);
            Thread[] outage = new Thread[1];
            int[] stepsWhileDown = new int[1];
            TrainingListenerAdapter brokerKiller = new TrainingListenerAdapter() {
                @Override
                public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                    if (model.currentStep() == 20) {
                        outage[0] = new Thread(() -> {
                            try {
                                kafka.stop();
                                Thread.sleep(3000);
                                kafka.restart();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        outage[0].start();
                    }
                    if (!kafka.isRunning()) {
                        stepsWhileDown[0]++;
                    }
                    if (model.currentStep() > 20 && model.currentStep() < 30) {
                        sleep(300); // keep training going while the broker is away
                    }
                }
            };
            model.train(STEPS, List.of(agent, brokerKiller));
            outage[0].join();
            assertTrue(stepsWhileDown[0] > 0, "training went on while the broker was down");
            assertEquals(STEPS, agent.endOfRun().stepCount());

            List<StemmaRecord> records = KafkaTestSupport.consumeRecords(kafka.bootstrapServers(), STEPS + 2);
            assertInstanceOf(RunManifest.class, records.get(0));
            Map<Long, Integer> seen = new TreeMap<>();
            for (StemmaRecord r : records) {
                if (r instanceof StepSnapshot s) {
                    seen.merge(s.step(), 1, Integer::sum);
                }
            }
            assertEquals(STEPS, seen.size(), "every step present");
            assertTrue(seen.values().stream().allMatch(c -> c == 1), "no step twice: " + seen);
            assertEquals(agent.endOfRun(), assertInstanceOf(EndOfRun.class, records.get(records.size() - 1)));
            assertEquals(STEPS + 2, records.size());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
