package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.protocol.StemmaRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stemma's metrics through a real Prometheus server: the binary of Debian's {@code prometheus}
 * package, which {@code .ci/run} installs. The collector runs as {@code stemma collect} in a child
 * JVM with its metrics endpoint, consumes a short run from the embedded broker, and Prometheus,
 * scraping it every second, must end up holding the number of records the collector wrote.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PrometheusIT {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path dir;

    @Test
    void shouldScrapeTheCollectorsRecordCountIntoPrometheus() throws Exception {
        requirePrometheus();
        List<StemmaRecord> run = CollectorCommandsIT.run("prometheus-it", 20); // manifest, 20 steps, end
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(dir.resolve("kafka")))) {
            String bootstrap = kafka.bootstrapServers();
            KafkaTestSupport.createTopics(bootstrap);
            KafkaTestSupport.produce(bootstrap, run);
            int collectorPort = freePort();
            Process collect = stemma(dir.resolve("collect.log"), "collect", "--store", dir.resolve("store").toString(),
                    "--bootstrap-servers", bootstrap, "--metrics-port", Integer.toString(collectorPort));
            try {
                List<Target> targets = new ArrayList<>(List.of(new Target("stemma-collector", "127.0.0.1:" + collectorPort)));
                // HOOK, stemma serve (issue 8, part 1): once it lands, start it here on the collected store,
                //   Process serve = stemma(dir.resolve("serve.log"), "serve", "--store", <store>, "--port", "" + servePort);
                // (the store must be complete: KafkaTestSupport.awaitCaughtUp first), add
                //   targets.add(new Target("stemma-analyzer", "127.0.0.1:" + servePort));
                // and after the collector's assertions below
                //   prometheus.await("count(stemma_analyzer_probe_share)", v -> v > 0, Duration.ofSeconds(60));
                // then destroy serve in the finally block.
                try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), targets)) {
                    double written = prometheus.await("sum(stemma_collector_records_written_total)", v -> v == run.size(),
                            Duration.ofSeconds(60));
                    assertEquals(run.size(), written, 0.0, "records written, as Prometheus scraped them");
                    assertEquals(20, prometheus.await("stemma_collector_records_written_total{kind=\"step\"}", v -> v > 0,
                            Duration.ofSeconds(10)), 0.0, "step records");
                    assertTrue(prometheus.await("stemma_collector_bytes_written_total", v -> v > 0, Duration.ofSeconds(10)) > 0);
                    assertEquals(1, prometheus.await("up{job=\"stemma-collector\"}", v -> v == 1, Duration.ofSeconds(10)), 0.0);
                }
            } finally {
                collect.destroy();
                if (!collect.waitFor(60, TimeUnit.SECONDS)) {
                    collect.destroyForcibly();
                }
            }
        }
    }

    @Test
    void shouldAcceptTheComposePrometheusConfig() throws Exception {
        requirePrometheus();
        Path log = dir.resolve("promtool.log");
        Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "config",
                ComposeFileTest.PROMETHEUS_CONFIG.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, check.exitValue(), Files.readString(log));
    }

    static void requirePrometheus() {
        if (!Files.isExecutable(PROMETHEUS) || !Files.isExecutable(PROMTOOL)) {
            fail("PrometheusIT needs " + PROMETHEUS + ": install the Debian package 'prometheus'"
                    + " (apt-get install prometheus; .ci/run does)");
        }
    }

    /** {@code stemma ARGS} in a child JVM on this test's class path, its output in {@code log}. */
    static Process stemma(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), Stemma.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A Prometheus scrape job of one target, {@code host:port} serving {@code /metrics}. */
    record Target(String job, String address) {}

    /**
     * A Prometheus server in a child process over a temporary directory, scraping its targets
     * every second; destroyed on close, and on JVM exit should a test not get that far.
     */
    static final class PrometheusServer implements AutoCloseable {
        private final Process process;
        private final Thread reaper;
        private final Path log;
        private final String url;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        private PrometheusServer(Process process, Thread reaper, Path log, String url) {
            this.process = process;
            this.reaper = reaper;
            this.log = log;
            this.url = url;
        }

        static PrometheusServer start(Path dir, List<Target> targets) throws IOException {
            Files.createDirectories(dir);
            StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
            for (Target t : targets) {
                config.append("  - job_name: ").append(t.job()).append('\n')
                        .append("    static_configs:\n      - targets: [\"").append(t.address()).append("\"]\n");
            }
            Path file = dir.resolve("prometheus.yml");
            Files.writeString(file, config);
            String address = "127.0.0.1:" + freePort();
            Path log = dir.resolve("prometheus.log");
            Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=" + address)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Thread reaper = new Thread(p::destroyForcibly, "prometheus-it-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
            return new PrometheusServer(p, reaper, log, "http://" + address);
        }

        /** The value of an instant query with one series, or empty while it has none. */
        OptionalDouble query(String promql) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
            if (r.statusCode() != 200 || result.size() != 1) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
        }

        /** Polls a query until its value passes {@code until}; returns that value, or fails with the last one seen. */
        double await(String promql, DoublePredicate until, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            OptionalDouble last = OptionalDouble.empty();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
                }
                try {
                    last = query(promql);
                    if (last.isPresent() && until.test(last.getAsDouble())) {
                        return last.getAsDouble();
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            return fail("'" + promql + "' did not reach the expected value within " + timeout.toSeconds() + " s; last value: "
                    + (last.isPresent() ? last.getAsDouble() : "none") + "; prometheus log: " + log);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook destroys the process
            }
        }
    }
}
