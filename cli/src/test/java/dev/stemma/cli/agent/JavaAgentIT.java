package dev.stemma.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.cli.KafkaTestSupport;
import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** -javaagent attaches the agent to a DJL job that was not written for Stemma. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JavaAgentIT {
    private static final Path AGENT_JAR = Path.of("../agent/target/stemma-agent.jar");

    @TempDir
    Path dir;

    @Test
    void shouldRecordUnchangedDjlJobThroughJavaAgent() throws Exception {
        assertTrue(Files.isRegularFile(AGENT_JAR), "the agent module's package phase builds " + AGENT_JAR.toAbsolutePath());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, "run-id: plain-job\nbootstrap-servers: " + kafka.bootstrapServers() + "\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process job = new ProcessBuilder(java, "-Dai.djl.offline=true",
                    "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=" + config,
                    "-cp", System.getProperty("java.class.path"), "dev.stemma.agent.PlainDjlJob", "2")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("job.log").toFile()).start();
            assertTrue(job.waitFor(3, TimeUnit.MINUTES), "job finished");
            assertEquals(0, job.exitValue(), Files.readString(dir.resolve("job.log")));

            // 64 rows in batches of 16 for 2 epochs: 8 steps.
            List<StemmaRecord> records = KafkaTestSupport.consumeRecords(kafka.bootstrapServers(), 10);
            assertEquals(10, records.size());
            RunManifest manifest = assertInstanceOf(RunManifest.class, records.get(0));
            assertEquals("plain-job", manifest.runId());
            for (int s = 0; s < 8; s++) {
                StepSnapshot snap = assertInstanceOf(StepSnapshot.class, records.get(s + 1));
                assertEquals(s, snap.step());
                assertEquals(2, snap.factors().size(), "the linear layer's weight and bias");
                assertEquals(16, snap.batch().size(), "the batch's dataset indices");
            }
            assertEquals(8, assertInstanceOf(EndOfRun.class, records.get(9)).stepCount());
        }
    }
}
