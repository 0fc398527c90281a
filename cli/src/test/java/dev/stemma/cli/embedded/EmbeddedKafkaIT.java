package dev.stemma.cli.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.cli.KafkaTestSupport;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker is a real Kafka: records go through it and come back byte-exact. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaIT {

    @TempDir
    Path dir;

    @Test
    void shouldCarryStepSnapshotThroughRealBrokerAndStop() throws Exception {
        StepSnapshot sent = SampleRecords.step("it-run", 12, new Random(12));
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")));
        try (kafka) {
            KafkaTestSupport.produce(kafka.bootstrapServers(), List.of(sent));
            List<StemmaRecord> received = KafkaTestSupport.consumeRecords(kafka.bootstrapServers(), 1);
            assertEquals(List.of(sent), received);
        }
        assertFalse(kafka.isRunning(), "close() stops the broker");
    }

    @Test
    void shouldKeepDataAndAddressAcrossRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            String address = kafka.bootstrapServers();
            KafkaTestSupport.produce(address, List.of(SampleRecords.step("r", 1, new Random(1))));
            kafka.restart();
            assertEquals(address, kafka.bootstrapServers());
            KafkaTestSupport.produce(address, List.of(SampleRecords.step("r", 2, new Random(2))));
            List<StemmaRecord> all = KafkaTestSupport.consumeRecords(address, 2);
            assertEquals(List.of(1L, 2L), all.stream().map(r -> ((StepSnapshot) r).step()).toList());
        }
    }

    @Test
    void shouldStopBrokerWhenParentIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.stemma.cli.Stemma", "broker", "--data-dir", dir.resolve("orphan").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine();
            assertTrue(line != null && line.startsWith("Kafka broker ready"), "broker came up: " + line);
            List<ProcessHandle> brokers = parent.descendants().toList();
            assertFalse(brokers.isEmpty(), "the broker runs as a child process");
            parent.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs in the parent
            for (ProcessHandle broker : brokers) {
                broker.onExit().get(60, TimeUnit.SECONDS);
                assertFalse(broker.isAlive());
            }
        } finally {
            parent.destroyForcibly();
        }
    }


}
