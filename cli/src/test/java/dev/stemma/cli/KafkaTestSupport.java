package dev.stemma.cli;

import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing, consuming, topic set-up and "has the group caught up" checks for the integration tests. */
public final class KafkaTestSupport {
    static final int PARTITIONS = 4;

    private KafkaTestSupport() {}

    static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "collector-it-admin");
        return Admin.create(p);
    }

    /** Creates the snapshots and dead-letter topics up front (an idempotent producer racing auto-creation can stall). */
    static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(Topics.SNAPSHOTS, PARTITIONS, (short) 1),
                    new NewTopic(Topics.DEAD_LETTER, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "collector-it-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight: see KafkaRecordSink (idempotent producers stuck on OUT_OF_ORDER_SEQUENCE_NUMBER).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static void produce(String bootstrap, List<? extends StemmaRecord> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (StemmaRecord r : records) {
                sent.add(producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, Topics.key(r), RecordCodec.encode(r))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(180, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether the group has committed offsets up to the end of every partition of the topic. */
    static boolean caughtUp(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
            long end = e.getValue().offset();
            OffsetAndMetadata c = committed.get(e.getKey());
            if (end > 0 && (c == null || c.offset() < end)) {
                return false;
            }
        }
        return true;
    }

    static void awaitCaughtUp(String bootstrap, String group, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                try {
                    if (caughtUp(admin, group, Topics.SNAPSHOTS)) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // A slow answer from a loaded broker: ask again until the deadline.
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("group " + group + " did not catch up within " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Reads a topic from the beginning until {@code quiet} passes with nothing new; hands each record over. */
    static int readAll(String bootstrap, String topic, Duration quiet, Duration timeout,
                       Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "collector-it-reader");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "collector-it-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastNew = System.nanoTime();
            while (System.nanoTime() < deadline && System.nanoTime() - lastNew < quiet.toNanos()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    each.accept(r);
                    n++;
                    lastNew = System.nanoTime();
                }
            }
        }
        return n;
    }

    /**
     * Every record of the snapshots topic from the beginning, decoded, once at least
     * {@code atLeast} arrived and then 3 s passed with nothing new (so that a duplicate would show).
     */
    public static List<StemmaRecord> consumeRecords(String bootstrap, int atLeast) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-it-consumer");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-it-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<StemmaRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.SNAPSHOTS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                var polled = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    out.add(RecordCodec.decode(r.value()));
                }
                if (out.size() >= atLeast && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); // wait for any duplicate
                }
            }
        }
        return out;
    }
}
