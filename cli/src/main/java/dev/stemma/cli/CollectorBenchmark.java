package dev.stemma.cli;

import dev.stemma.collector.Collector;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.BatchItem;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.DType;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.ProbeSpec;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.SoftwareVersions;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.Topics;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The collector benchmark: one topic filled once, then per round a raw consumer and the
 * collector each read all of it from offset 0, in alternating order; MB/s is topic bytes (keys
 * and values) over wall time. Runs are keyed by run id, as the agent sends them.
 */
final class CollectorBenchmark {
    private static final int RUNS = 4;
    private static final int ACTIVATIONS = 8;

    private final String bootstrapServers;
    private final Path workDir;
    private final int megabytes;
    private final int stepKilobytes;
    private final int rounds;
    private final boolean sync;
    private final int consumers;
    private final String topic = "stemma.bench." + UUID.randomUUID();

    CollectorBenchmark(String bootstrapServers, Path workDir, int megabytes, int stepKilobytes, int rounds, boolean sync,
                       int consumers) {
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.megabytes = megabytes;
        this.stepKilobytes = stepKilobytes;
        this.rounds = rounds;
        this.sync = sync;
        this.consumers = consumers;
    }

    /**
     * One reader's pass over the topic.
     *
     * @param mbPerSecond  topic megabytes over wall seconds
     * @param jvmCpuMsPerMb this JVM's CPU milliseconds per topic megabyte (the collector's threads, RocksDB's
     *                      background jobs and the JIT; not an embedded broker, which is its own process)
     * @param machineBusy  share of all cores' time busy during the pass, every process counted
     */
    record Pass(double mbPerSecond, double jvmCpuMsPerMb, double machineBusy) {}

    /** The figures of one benchmark run: one raw and one collector pass per round. */
    record Result(String topic, long records, long bytes, boolean syncWrites, int consumers, List<Pass> raw,
                  List<Pass> collector) {
        double rawMedian() {
            return median(raw, Pass::mbPerSecond);
        }

        double collectorMedian() {
            return median(collector, Pass::mbPerSecond);
        }

        double ratio() {
            return collectorMedian() / rawMedian();
        }

        String toJson() {
            return String.format(Locale.ROOT, "{\"bench\":\"collector\",\"topic_records\":%d,\"topic_mb\":%.1f,"
                            + "\"rounds\":%d,\"sync_writes\":%b,\"consumers\":%d,\"raw_consumer_mb_s\":%s,\"collector_mb_s\":%s,"
                            + "\"raw_consumer_mb_s_median\":%.1f,\"collector_mb_s_median\":%.1f,\"ratio\":%.3f,"
                            + "\"raw_consumer_jvm_cpu_ms_per_mb\":%s,\"collector_jvm_cpu_ms_per_mb\":%s,"
                            + "\"raw_consumer_machine_busy\":%s,\"collector_machine_busy\":%s}",
                    records, bytes / 1e6, raw.size(), syncWrites, consumers, json(raw, Pass::mbPerSecond, "%.1f"),
                    json(collector, Pass::mbPerSecond, "%.1f"), rawMedian(), collectorMedian(), ratio(),
                    json(raw, Pass::jvmCpuMsPerMb, "%.2f"), json(collector, Pass::jvmCpuMsPerMb, "%.2f"),
                    json(raw, Pass::machineBusy, "%.2f"), json(collector, Pass::machineBusy, "%.2f"));
        }

        private static String json(List<Pass> passes, ToDoubleFunction<Pass> field, String format) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < passes.size(); i++) {
                double v = field.applyAsDouble(passes.get(i));
                b.append(i == 0 ? "" : ",").append(Double.isNaN(v) ? "null" : String.format(Locale.ROOT, format, v));
            }
            return b.append(']').toString();
        }

        private static double median(List<Pass> passes, ToDoubleFunction<Pass> field) {
            double[] s = passes.stream().mapToDouble(field).sorted().toArray();
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
    }

    Result run() throws Exception {
        long[] produced = fill();
        // One unmeasured pair first: the JIT compiles the decode and write paths, the broker's log is read into the page cache.
        timeRaw(produced[0]);
        timeCollector(-1);
        List<Pass> raw = new ArrayList<>();
        List<Pass> collector = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int r = round;
            if (round % 2 == 0) {
                raw.add(measure(produced[1], () -> timeRaw(produced[0])));
                collector.add(measure(produced[1], () -> timeCollector(r)));
            } else {
                collector.add(measure(produced[1], () -> timeCollector(r)));
                raw.add(measure(produced[1], () -> timeRaw(produced[0])));
            }
        }
        return new Result(topic, produced[0], produced[1], sync, consumers, raw, collector);
    }

    /** A timed reader pass: returns its wall nanoseconds. */
    private interface TimedPass {
        long run() throws InterruptedException;
    }

    private static Pass measure(long bytes, TimedPass pass) throws InterruptedException {
        CpuUse before = CpuUse.now();
        long nanos = pass.run();
        CpuUse after = CpuUse.now();
        return new Pass(mbPerSecond(bytes, nanos), after.processMillisPerMb(before, bytes), after.machineBusySince(before));
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /** Produces the synthetic runs; returns {records, bytes}. */
    private long[] fill() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "stemma-bench-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight: see KafkaRecordSink (idempotent producers stuck on OUT_OF_ORDER_SEQUENCE_NUMBER).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 << 20));
        createTopic();
        long records = 0;
        long bytes = 0;
        long target = megabytes * 1_000_000L;
        int factorCount = Math.max(1, (stepKilobytes * 1024 - ACTIVATIONS * 4096) / 8192);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            Random random = new Random(7);
            for (int r = 0; r < RUNS; r++) {
                bytes += send(producer, manifest("bench-" + r, factorCount), sent);
                records++;
            }
            for (long step = 0; bytes < target; step++) {
                for (int r = 0; r < RUNS && bytes < target; r++) {
                    bytes += send(producer, step("bench-" + r, step, factorCount, random), sent);
                    records++;
                }
                if (sent.size() > 256) {
                    for (Future<RecordMetadata> f : sent) {
                        f.get();
                    }
                    sent.clear();
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        return new long[] {records, bytes};
    }

    /**
     * Creates the topic before producing: an idempotent producer racing the auto-creation of a
     * topic got stuck on OUT_OF_ORDER_SEQUENCE_NUMBER here.
     */
    private void createTopic() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "stemma-bench-admin");
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, RUNS, (short) 1))).all().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
                if (d.partitions().size() == RUNS && d.partitions().stream().allMatch(i -> i.leader() != null)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has no leaders after 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    private long send(KafkaProducer<byte[], byte[]> producer, StemmaRecord record, List<Future<RecordMetadata>> sent) {
        byte[] key = Topics.key(record);
        byte[] value = RecordCodec.encode(record);
        sent.add(producer.send(new ProducerRecord<>(topic, key, value)));
        return key.length + value.length;
    }

    private static RunManifest manifest(String runId, int factorCount) {
        List<RunManifest.TensorShape> shapes = new ArrayList<>();
        for (int f = 0; f < factorCount; f++) {
            shapes.add(new RunManifest.TensorShape(String.format("block%02d/lora_a", f), DType.FLOAT32, new int[] {8, 256}));
        }
        return new RunManifest(runId, Instant.parse("2026-11-22T06:00:00Z"), 1, new SoftwareVersions("17", "0.35.1", "2.7.1", "bench"),
                "00".repeat(32), Map.of(), Map.of("bench", "collector"), List.of("a", "b"),
                List.of(new ProbeSpec(0, ProbeSpec.Kind.TRAINING_IMAGE, "a/0", "a")), shapes);
    }

    private static StepSnapshot step(String runId, long step, int factorCount, Random random) {
        List<NamedTensor> factors = new ArrayList<>(factorCount);
        for (int f = 0; f < factorCount; f++) {
            factors.add(new NamedTensor(String.format("block%02d/lora_a", f), Tensor.float32(new int[] {8, 256}, floats(random, 2048))));
        }
        List<ProbeActivation> acts = new ArrayList<>(ACTIVATIONS);
        for (int a = 0; a < ACTIVATIONS; a++) {
            acts.add(new ProbeActivation(a, "mid", 500, Conditioning.OWN_TOKEN, new Pooling(4),
                    Tensor.float32(new int[] {64, 4, 4}, floats(random, 1024))));
        }
        return new StepSnapshot(runId, step, random.nextFloat(), 1e-3f,
                List.of(new BatchItem("a/" + step, (int) (step % 1000), step)), factors, acts);
    }

    private static float[] floats(Random random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = random.nextFloat() - 0.5f;
        }
        return f;
    }

    private CollectorConfig config() {
        return CollectorConfig.defaults(bootstrapServers).withTopics(topic, Topics.DEAD_LETTER).withSyncWrites(sync)
                .withConsumers(consumers).withClientId("stemma-bench").replaying();
    }

    /**
     * Reads the whole topic with the collector's consumer settings and as many consumer threads,
     * each taking the partitions the collector's loop of the same index takes, touching every
     * byte; returns nanoseconds until the last thread is done.
     */
    private long timeRaw(long expectedRecords) throws InterruptedException {
        long start = System.nanoTime();
        long[] seen = new long[consumers];
        Throwable[] failure = new Throwable[consumers];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            int index = i;
            threads.add(new Thread(() -> {
                try {
                    seen[index] = readShare(index);
                } catch (Throwable t) {
                    failure[index] = t;
                }
            }, "stemma-bench-raw-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        long nanos = System.nanoTime() - start;
        long total = 0;
        for (int i = 0; i < consumers; i++) {
            if (failure[i] != null) {
                throw new IllegalStateException("raw consumer " + i + " failed: " + failure[i], failure[i]);
            }
            total += seen[i];
        }
        if (total != expectedRecords) {
            throw new IllegalStateException("raw consumers read " + total + " records, expected " + expectedRecords);
        }
        return nanos;
    }

    /** One raw consumer thread: reads its share of the partitions to their end; returns the records read. */
    private long readShare(int index) {
        Properties p = Collector.consumerProperties(config());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "stemma-bench-raw-" + index);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Collector.replayPartitions(consumer.partitionsFor(topic), index, consumers);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long seen = 0;
            long checksum = 0;
            while (!caughtUp(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    seen++;
                    checksum += r.value().length + r.value()[r.value().length - 1];
                }
            }
            if (seen > 0 && checksum == 0) {
                throw new IllegalStateException("raw consumer " + index + " read only empty values");
            }
            return seen;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Replays the whole topic into a fresh store; returns nanoseconds, store open and close included. */
    private long timeCollector(int round) throws InterruptedException {
        Path storeDir = workDir.resolve("store-" + round);
        CollectorMetrics metrics = new CollectorMetrics(new CollectorRegistry());
        long start = System.nanoTime();
        try (TrajectoryStore store = TrajectoryStore.open(storeDir)) {
            new Collector(config(), store, metrics).run();
        }
        long nanos = System.nanoTime() - start;
        if (metrics.deadLetterCount() > 0) {
            throw new IllegalStateException("the collector refused " + metrics.deadLetterCount() + " benchmark records");
        }
        BenchCollectorCommand.deleteTree(storeDir);
        return nanos;
    }
}
