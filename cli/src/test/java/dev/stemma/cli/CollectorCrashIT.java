package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.collector.ActivationSeries;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.StepValue;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.collector.VerifyReport;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.Topics;
import dev.stemma.protocol.integrity.HashChain;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "loses nothing" bar: while a producer sends runs, the {@code stemma collect} process is
 * killed with SIGKILL at random moments and restarted, at least ten times; afterwards every
 * (run, step, probe) is in the store exactly once and every run verifies against the digest its
 * end record carries.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CollectorCrashIT {
    private static final int RUNS = 3;
    private static final int STEPS = 200;
    private static final int KILLS = 10;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryStepExactlyOnceAcrossRepeatedSigkills() throws Exception {
        Path store = dir.resolve("store");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            String bootstrap = kafka.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap);
            List<EndOfRun> ends = new ArrayList<>();
            AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    ends.addAll(produceRuns(bootstrap));
                } catch (Throwable t) {
                    producerFailure.set(t);
                }
            }, "crash-it-producer");
            producer.start();

            Random random = new Random(20261122);
            int kills = 0;
            for (int i = 0; i < KILLS; i++) {
                Process collector = startCollector(store, bootstrap, i);
                awaitCollecting(collector, i);
                Thread.sleep(200 + random.nextInt(1800)); // somewhere in the polls, writes and commits
                assertTrue(collector.isAlive(), "collector " + i + " still running before its kill");
                collector.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no hook, no close, no commit
                kills++;
            }
            producer.join(TimeUnit.MINUTES.toMillis(3));
            assertTrue(producerFailure.get() == null, "producer failed: " + producerFailure.get());
            assertEquals(KILLS, kills);

            Process last = startCollector(store, bootstrap, KILLS);
            try {
                KafkaTestSupport.awaitCaughtUp(bootstrap, CollectorConfig.DEFAULT_GROUP, Duration.ofMinutes(3));
            } finally {
                last.destroy(); // SIGTERM: the graceful path
                last.waitFor(60, TimeUnit.SECONDS);
                last.destroyForcibly();
            }

            try (TrajectoryStore s = TrajectoryStore.openReadOnly(store)) {
                assertEquals(List.of("crash-0", "crash-1", "crash-2"), s.runs());
                for (EndOfRun end : ends) {
                    assertRunComplete(s, end);
                }
            }
            assertEquals(0, Stemma.run("verify", "--store", store.toString()), "stemma verify passes");
        }
    }

    private static void assertRunComplete(TrajectoryStore s, EndOfRun end) {
        String run = end.runId();
        long steps = 0;
        try (StoreIterator<StepSnapshot> it = s.metrics(run, 0, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                assertEquals(steps, it.next().step(), run + ": each step once, in order");
                steps++;
            }
        }
        assertEquals(STEPS, steps, run + " steps");
        List<ActivationSeries> series = s.activationSeries(run);
        assertEquals(2, series.size(), run + " probes 0 and 1, one series each");
        for (ActivationSeries a : series) {
            long n = 0;
            try (StoreIterator<StepValue<Tensor>> it = s.activationTrajectory(run, a, 0, Long.MAX_VALUE)) {
                while (it.hasNext()) {
                    assertEquals(n, it.next().step(), run + " probe " + a.probeId() + ": each step once");
                    n++;
                }
            }
            assertEquals(STEPS, n, run + " probe " + a.probeId() + " steps");
        }
        VerifyReport report = s.verify(run);
        assertTrue(report.passed(), report.toString());
        assertEquals(end.finalDigestHex(), report.finalDigestHex(), run + ": the agent's digest");
    }

    /** Sends the runs interleaved, paced so that production spans the kills; returns the end records. */
    private static List<EndOfRun> produceRuns(String bootstrap) throws Exception {
        List<HashChain> chains = new ArrayList<>();
        List<EndOfRun> ends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(bootstrap)) {
            for (int r = 0; r < RUNS; r++) {
                send(producer, SampleRecords.manifest("crash-" + r));
                chains.add(HashChain.start("crash-" + r));
            }
            for (int step = 0; step < STEPS; step++) {
                for (int r = 0; r < RUNS; r++) {
                    StepSnapshot s = SampleRecords.step("crash-" + r, step, new Random(step * 7L + r));
                    chains.get(r).append(s);
                    send(producer, s);
                }
                Thread.sleep(150);
            }
            for (int r = 0; r < RUNS; r++) {
                EndOfRun end = new EndOfRun("crash-" + r, STEPS, EndOfRun.Status.COMPLETED, Instant.now(), chains.get(r).digest());
                send(producer, end);
                ends.add(end);
            }
            producer.flush();
        }
        return ends;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, StemmaRecord r) throws Exception {
        producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, Topics.key(r), RecordCodec.encode(r))).get(60, TimeUnit.SECONDS);
    }

    /** Waits until the child has opened the store and starts consuming (JVM start-up varies a lot on a loaded machine). */
    private void awaitCollecting(Process collector, int attempt) throws Exception {
        Path log = dir.resolve("collector-" + attempt + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains("collecting "))) {
            assertTrue(collector.isAlive(), "collector " + attempt + " exited early: " + java.nio.file.Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "collector " + attempt + " did not start within 90 s");
            Thread.sleep(50);
        }
    }

    private Process startCollector(Path store, String bootstrap, int attempt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), Stemma.class.getName(),
                "collect", "--store", store.toString(), "--bootstrap-servers", bootstrap, "--metrics-port", "0")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("collector-" + attempt + ".log").toFile())
                .start();
    }
}
