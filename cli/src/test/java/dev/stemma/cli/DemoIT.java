package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stemma demo} end to end, shortened to a few training steps, with a real Prometheus
 * scraping the trainer's and collector's metrics and the analyzer server while it runs: the report
 * holds an attribution for every generated image, and Prometheus's HTTP API has the ingest and
 * drift series.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void shouldTrainGenerateAttributeAndReportWhilePrometheusScrapesIngestAndDrift() throws Exception {
        PrometheusIT.requirePrometheus();
        int metricsPort = PrometheusIT.freePort();
        int analyzerPort = PrometheusIT.freePort();
        Path demoDir = dir.resolve("demo");
        List<PrometheusIT.Target> targets = List.of(new PrometheusIT.Target("stemma-trainer", "127.0.0.1:" + metricsPort),
                new PrometheusIT.Target("stemma-analyzer", "127.0.0.1:" + analyzerPort));
        try (PrometheusIT.PrometheusServer prometheus = PrometheusIT.PrometheusServer.start(dir.resolve("prometheus"), targets)) {
            Process demo = PrometheusIT.stemma(dir.resolve("demo.log"), "demo", "--dir", demoDir.toString(), "--base",
                    "../models/base-fmnist6", "--data", TrainerCommandsIT.DATA, "--steps", "41", "--images-per-concept", "12",
                    "--micro", "2x2", "--port", Integer.toString(analyzerPort), "--metrics-port", Integer.toString(metricsPort));
            try {
                assertTrue(demo.waitFor(6, TimeUnit.MINUTES), "the demo finished");
            } finally {
                demo.destroyForcibly();
            }
            assertEquals(0, demo.exitValue(), Files.readString(dir.resolve("demo.log")));

            List<Path> generated;
            try (Stream<Path> s = Files.walk(demoDir.resolve("generated"))) {
                generated = s.filter(p -> p.toString().endsWith(".png")).toList();
            }
            assertEquals(4 * 2 + 2 + 2, generated.size(), "2 images per concept, 1 per micro-concept, 2 mixtures");
            JsonNode attribution = new ObjectMapper().readTree(demoDir.resolve("attribution.json").toFile());
            assertEquals(generated.size(), attribution.get("count").asInt());
            String report = Files.readString(demoDir.resolve("report.html"));
            for (Path png : generated) {
                assertTrue(report.contains(png.getFileName().toString()), "the report shows " + png.getFileName());
            }

            assertTrue(prometheus.await("max_over_time(sum(stemma_collector_records_written_total)[10m:1s])", v -> v > 0,
                    Duration.ofSeconds(30)) > 0, "ingest series scraped while training");
            assertTrue(prometheus.await("count(max_over_time(stemma_analyzer_probe_share[10m]))", v -> v > 0,
                    Duration.ofSeconds(30)) > 0, "drift series scraped from the analyzer server");
        }
    }
}
