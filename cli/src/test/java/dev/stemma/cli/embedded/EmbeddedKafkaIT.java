package dev.stemma.cli.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
            produce(kafka.bootstrapServers(), List.of(sent));
            List<StemmaRecord> received = consume(kafka.bootstrapServers(), 1);
            assertEquals(List.of(sent), received);
        }
        assertFalse(kafka.isRunning(), "close() stops the broker");
    }

    @Test
    void shouldKeepDataAndAddressAcrossRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            String address = kafka.bootstrapServers();
            produce(address, List.of(SampleRecords.step("r", 1, new Random(1))));
            kafka.restart();
            assertEquals(address, kafka.bootstrapServers());
            produce(address, List.of(SampleRecords.step("r", 2, new Random(2))));
            List<StemmaRecord> all = consume(address, 2);
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

    private static void produce(String bootstrap, List<? extends StemmaRecord> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "embedded-kafka-it");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight: see KafkaRecordSink (idempotent producers stuck on OUT_OF_ORDER_SEQUENCE_NUMBER).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (StemmaRecord r : records) {
                producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, Topics.key(r), RecordCodec.encode(r))).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<StemmaRecord> consume(String bootstrap, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedded-kafka-it");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-it-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<StemmaRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.SNAPSHOTS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(RecordCodec.decode(r.value()));
                }
            }
        }
        return out;
    }
}
