package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.collector.Collector;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.collector.VerifyReport;
import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.Topics;
import dev.stemma.protocol.integrity.HashChain;
import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz bar: 10,000 malformed records of five kinds, between well-formed ones, through a real
 * broker into a running collector: the collector never stops, every bad record lands on the
 * dead-letter topic with its reason, and the good records around them are stored and verify.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CollectorFuzzIT {
    private static final int MALFORMED = 10_000;
    private static final String RUN = "fuzz-run";

    @TempDir
    Path dir;

    @Test
    void shouldDeadLetterEveryMalformedRecordAndKeepGoing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")));
             TrajectoryStore store = TrajectoryStore.open(dir.resolve("store"))) {
            String bootstrap = kafka.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap);
            CollectorMetrics metrics = new CollectorMetrics(new CollectorRegistry());
            Collector collector = new Collector(CollectorConfig.defaults(bootstrap).withGroupId("fuzz-it"), store, metrics);
            collector.start();
            try {
                feedAndCheck(bootstrap, collector, metrics, store);
            } finally {
                collector.shutdown(); // before the store closes: a running consumer must not outlive it
                collector.awaitTermination(Duration.ofMinutes(1));
            }
        }
    }

    private void feedAndCheck(String bootstrap, Collector collector, CollectorMetrics metrics, TrajectoryStore store)
            throws Exception {
        {
            HashChain chain = HashChain.start(RUN);
            Map<MalformedRecordException.Reason, Integer> sentByReason = new EnumMap<>(MalformedRecordException.Reason.class);
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(bootstrap)) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                sent.add(send(producer, RecordCodec.encode(SampleRecords.manifest(RUN))));
                Random random = new Random(5);
                long goodStep = 0;
                for (int i = 0; i < MALFORMED; i++) {
                    if (i % 500 == 0) {
                        StepSnapshot good = SampleRecords.step(RUN, goodStep++, new Random(i));
                        chain.append(good);
                        sent.add(send(producer, RecordCodec.encode(good)));
                    }
                    Malformed m = malformed(i, random);
                    sentByReason.merge(m.reason, 1, Integer::sum);
                    sent.add(send(producer, m.bytes));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(180, TimeUnit.SECONDS); // generous: the CI machine is shared
                }
            }
            KafkaTestSupport.awaitCaughtUp(bootstrap, "fuzz-it", Duration.ofMinutes(3));
            assertTrue(collector.awaitTermination(Duration.ofMillis(1)) == false, "the collector is still running");

            Map<String, Integer> deadByReason = new java.util.TreeMap<>();
            int dead = KafkaTestSupport.readAll(bootstrap, Topics.DEAD_LETTER, Duration.ofSeconds(3), Duration.ofMinutes(2), r -> {
                Header reason = r.headers().lastHeader(Topics.REASON_HEADER);
                assertNotNull(reason, "every dead letter says why");
                assertNotNull(r.headers().lastHeader(Topics.ERROR_HEADER), "and how, in one line");
                deadByReason.merge(new String(reason.value(), StandardCharsets.UTF_8), 1, Integer::sum);
            });
            collector.shutdown();
            collector.run(); // rethrows if any consumer had died
            assertEquals(MALFORMED, dead, "dead-letter entries; by reason " + deadByReason);
            assertEquals(MALFORMED, (int) metrics.deadLetterCount(), "dead-letter metric");
            // Truncations are reported at whatever field ran out; the other kinds have one reason each.
            for (MalformedRecordException.Reason r : List.of(MalformedRecordException.Reason.BAD_MAGIC,
                    MalformedRecordException.Reason.UNSUPPORTED_VERSION, MalformedRecordException.Reason.NON_FINITE,
                    MalformedRecordException.Reason.SHAPE_MISMATCH)) {
                assertEquals(sentByReason.get(r), deadByReason.get(r.name()), r + " entries; all: " + deadByReason);
            }

            VerifyReport report = store.verify(RUN);
            assertEquals(MALFORMED / 500, report.steps(), "the good steps between the bad ones");
            assertTrue(report.passed(), report.toString());
            assertEquals(chain.digestHex(), report.finalDigestHex());
        }
    }

    private record Malformed(byte[] bytes, MalformedRecordException.Reason reason) {}

    /** Five kinds in turn: random bytes, truncation, unknown version, NaN, a shape the manifest does not declare. */
    private static Malformed malformed(int i, Random random) {
        StepSnapshot base = SampleRecords.step(RUN, 100_000 + i, new Random(i));
        byte[] valid = RecordCodec.encode(base);
        switch (i % 5) {
            case 0: {
                byte[] b = new byte[1 + random.nextInt(300)];
                random.nextBytes(b);
                b[0] = 'X'; // never the magic
                return new Malformed(b, MalformedRecordException.Reason.BAD_MAGIC);
            }
            case 1:
                return new Malformed(Arrays.copyOf(valid, 7 + random.nextInt(valid.length - 7)), MalformedRecordException.Reason.TRUNCATED);
            case 2: {
                byte[] b = valid.clone();
                b[5] = (byte) (2 + random.nextInt(200));
                return new Malformed(b, MalformedRecordException.Reason.UNSUPPORTED_VERSION);
            }
            case 3: {
                float[] v = new float[16 * 8];
                v[random.nextInt(v.length)] = random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                return new Malformed(RecordCodec.encode(replaceFactor(base, new NamedTensor("down1.conv/lora_b",
                        Tensor.float32(new int[] {16, 8}, v)))), MalformedRecordException.Reason.NON_FINITE);
            }
            default:
                return new Malformed(RecordCodec.encode(replaceFactor(base, new NamedTensor("down1.conv/lora_a",
                        Tensor.float32(new int[] {8, 16}, new float[128])))), MalformedRecordException.Reason.SHAPE_MISMATCH);
        }
    }

    private static StepSnapshot replaceFactor(StepSnapshot s, NamedTensor factor) {
        List<NamedTensor> factors = new ArrayList<>(s.factors());
        factors.removeIf(f -> f.name().equals(factor.name()));
        factors.add(factor);
        return new StepSnapshot(s.runId(), s.step(), s.loss(), s.learningRate(), s.batch(), factors, s.activations());
    }

    private static Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, byte[] value) {
        return producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, RUN.getBytes(StandardCharsets.UTF_8), value));
    }

}
