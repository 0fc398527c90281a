package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.collector.Collector;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.integrity.HashChain;
import io.prometheus.client.CollectorRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The collector's commands end to end on a real broker: collect, verify, export, replay; and a shared group. */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CollectorCommandsIT {
    @TempDir
    Path dir;

    @Test
    void shouldCollectVerifyExportAndReplayThroughCommands() throws Exception {
        Path store = dir.resolve("store");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            String bootstrap = kafka.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap);
            List<StemmaRecord> a = run("cmd-a", 25);
            List<StemmaRecord> b = run("cmd-b", 10);
            KafkaTestSupport.produce(bootstrap, a);
            KafkaTestSupport.produce(bootstrap, b);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process collect = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                    Stemma.class.getName(), "collect", "--store", store.toString(), "--bootstrap-servers", bootstrap,
                    "--metrics-port", "0")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("collect.log").toFile()).start();
            try {
                KafkaTestSupport.awaitCaughtUp(bootstrap, CollectorConfig.DEFAULT_GROUP, Duration.ofMinutes(2));
            } finally {
                collect.destroy();
                assertTrue(collect.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops collect gracefully");
            }
            String digestA = ((EndOfRun) a.get(a.size() - 1)).finalDigestHex();

            Output verify = stemma("verify", "--store", store.toString());
            assertEquals(0, verify.code, verify.text);
            assertTrue(verify.text.contains("run cmd-a: 25 steps, OK"), verify.text);
            assertTrue(verify.text.contains("final digest:      " + digestA), verify.text);
            assertTrue(verify.text.contains("(matches;"), verify.text);

            Path exported = dir.resolve("export");
            Output export = stemma("export", "--store", store.toString(), "--run", "cmd-a", "--out", exported.toString());
            assertEquals(0, export.code, export.text);
            try (TrajectoryStore copy = TrajectoryStore.openReadOnly(exported)) {
                assertEquals(List.of("cmd-a"), copy.runs());
            }
            assertEquals(0, stemma("verify", "--store", exported.toString(), "--run", "cmd-a").code);

            Path replayed = dir.resolve("replayed");
            Output replay = stemma("replay", "--store", replayed.toString(), "--bootstrap-servers", bootstrap);
            assertEquals(0, replay.code, replay.text);
            try (TrajectoryStore r = TrajectoryStore.openReadOnly(replayed)) {
                assertEquals(List.of("cmd-a", "cmd-b"), r.runs());
                assertEquals(digestA, r.verify("cmd-a").finalDigestHex());
                assertTrue(r.verify("cmd-b").passed());
            }
        }
    }

    @Test
    void shouldRejectBadInputWithOneLineAndExitTwo() throws Exception {
        Output missing = stemma("verify", "--store", dir.resolve("absent").toString());
        assertEquals(Stemma.EXIT_BAD_INPUT, missing.code);
        assertTrue(missing.err.contains("no Stemma store"), missing.err);
        assertEquals(1, missing.err.strip().lines().count(), missing.err);

        try (TrajectoryStore s = TrajectoryStore.open(dir.resolve("empty"))) {
            assertTrue(s.runs().isEmpty());
        }
        Output unknown = stemma("verify", "--store", dir.resolve("empty").toString(), "--run", "nope");
        assertEquals(Stemma.EXIT_BAD_INPUT, unknown.code);
        assertTrue(unknown.err.contains("unknown run 'nope'"), unknown.err);

        Output notEmpty = stemma("replay", "--store", dir.resolve("empty").toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(Stemma.EXIT_BAD_INPUT, notEmpty.code);
        assertTrue(notEmpty.err.contains("not empty"), notEmpty.err);
    }

    @Test
    void shouldSharePartitionsBetweenCollectorsOfOneGroup() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")));
             TrajectoryStore first = TrajectoryStore.open(dir.resolve("first"));
             TrajectoryStore second = TrajectoryStore.open(dir.resolve("second"))) {
            String bootstrap = kafka.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap);
            CollectorConfig config = CollectorConfig.defaults(bootstrap).withGroupId("shared");
            Collector one = new Collector(config.withClientId("one"), first, new CollectorMetrics(new CollectorRegistry()));
            Collector two = new Collector(config.withClientId("two"), second, new CollectorMetrics(new CollectorRegistry()));
            one.start();
            two.start();
            List<String> runs = new ArrayList<>();
            try {
                awaitTwoMembersWithPartitions(bootstrap, "shared");
                for (int r = 0; r < 8; r++) {
                    runs.add("shared-" + r);
                    KafkaTestSupport.produce(bootstrap, run("shared-" + r, 5));
                }
                KafkaTestSupport.awaitCaughtUp(bootstrap, "shared", Duration.ofMinutes(2));
            } finally {
                one.shutdown(); // before the stores close
                two.shutdown();
                one.run();
                two.run();
            }
            Set<String> inFirst = new HashSet<>(first.runs());
            Set<String> inSecond = new HashSet<>(second.runs());
            assertFalse(inFirst.isEmpty(), "the first collector got partitions");
            assertFalse(inSecond.isEmpty(), "the second collector got partitions");
            Set<String> all = new HashSet<>(inFirst);
            all.addAll(inSecond);
            assertEquals(new HashSet<>(runs), all);
            for (String r : inFirst) {
                assertTrue(first.verify(r).passed() && first.verify(r).endDigestMatches(), r);
            }
            for (String r : inSecond) {
                assertTrue(second.verify(r).passed() && second.verify(r).endDigestMatches(), r);
            }
        }
    }

    @Test
    void shouldSplitTheReplayAmongConsumerLoopsAndReadEachStepOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")));
             TrajectoryStore store = TrajectoryStore.open(dir.resolve("replayed"))) {
            String bootstrap = kafka.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap);
            List<String> runs = new ArrayList<>();
            for (int r = 0; r < 6; r++) {
                runs.add("split-" + r);
                KafkaTestSupport.produce(bootstrap, run("split-" + r, 7));
            }
            CollectorMetrics metrics = new CollectorMetrics(new CollectorRegistry());
            new Collector(CollectorConfig.defaults(bootstrap).withConsumers(3).withClientId("split").replaying(), store, metrics).run();
            assertEquals(new HashSet<>(runs), new HashSet<>(store.runs()));
            for (String r : runs) {
                assertTrue(store.verify(r).passed() && store.verify(r).endDigestMatches(), r);
            }
            assertEquals(6 * 7, metrics.stepsWritten(), "each step read and written once by the three loops together");
        }
    }

    private static void awaitTwoMembersWithPartitions(String bootstrap, String group) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try (Admin admin = KafkaTestSupport.admin(bootstrap)) {
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
                if (d.members().size() == 2
                        && d.members().stream().allMatch((MemberDescription m) -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("two members with partitions did not appear in group " + group);
    }

    /** A run as the agent sends it: manifest, steps, end record with the chain's digest. */
    static List<StemmaRecord> run(String runId, int steps) {
        List<StemmaRecord> records = new ArrayList<>();
        records.add(SampleRecords.manifest(runId));
        HashChain chain = HashChain.start(runId);
        for (int s = 0; s < steps; s++) {
            StepSnapshot step = SampleRecords.step(runId, s, new Random(s));
            chain.append(step);
            records.add(step);
        }
        records.add(new EndOfRun(runId, steps, EndOfRun.Status.COMPLETED, Instant.now(), chain.digest()));
        return records;
    }

    private record Output(int code, String text, String err) {}

    private static synchronized Output stemma(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            picocli.CommandLine cl = Stemma.commandLine();
            java.io.StringWriter err = new java.io.StringWriter();
            cl.setErr(new java.io.PrintWriter(err, true));
            int code = cl.execute(args);
            return new Output(code, buffer.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(out);
        }
    }
}
