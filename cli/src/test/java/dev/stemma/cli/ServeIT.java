package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.drift.DriftConfig;
import dev.stemma.analyzer.serve.DriftServer;
import dev.stemma.analyzer.serve.ServeConfig;
import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stemma serve} over a real store: a tiny run trained into it (embedded broker and
 * collector), the server started on it, then a second run trained into the same store while the
 * server follows it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ServeIT {
    private static final Pattern LABELS = Pattern.compile("^(stemma_analyzer_\\w+)\\{(.*)}\\s", Pattern.MULTILINE);
    private static final Pattern LABEL_NAME = Pattern.compile("(\\w+)=\"");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void shouldServeDriftOfRunsAsTheStoreFills() throws Exception {
        Path base = dir.resolve("base");
        assertEquals(0, Stemma.run("pretrain", "--data", TrainerCommandsIT.DATA, "--classes", "Trouser,Sandal", "--out",
                base.toString(), "--images-per-class", "10", "--channels", "8,16", "--steps", "3", "--batch", "4"));
        Path store = dir.resolve("store");
        train(base, store, "early", 6); // timesteps in turn: t=200 at steps 0, 2, 4, t=600 at 1, 3, 5

        ServeConfig config = ServeConfig.of(store).withPort(0).withRefresh(Duration.ofSeconds(1))
                .withDrift(DriftConfig.defaults().withRepresentation(RepresentationConfig.defaults().withRank(2)));
        try (DriftServer server = DriftServer.start(config, new CollectorRegistry())) {
            URI root = server.url();
            assertEquals("127.0.0.1", root.getHost(), "loopback by default");
            JsonNode runs = await(root, r -> finishedAndReady(r, "early"));
            JsonNode early = run(runs, "early");
            assertEquals(3, early.get("recordedSteps").asInt());
            assertEquals(5, early.get("lastStep").asLong(), "the step by which both timesteps had their third value");
            assertTrue(early.get("finished").asBoolean());
            assertEquals(2, early.get("generations").asInt(), "one probe generation per concept");

            assertDriftSharesAddUpToOne(root, "early", 5);
            assertAttributionListsTopImages(root, "early");
            assertMetricsHaveBoundedLabels(root, 3);
            assertRefusalsAreOneLine(root);
            assertPageIsSelfContained(root);

            // A second run written into the store while the server follows it: it shows up and becomes the latest.
            // (A refresh may catch it half-written; the server then shows those steps and goes on.)
            train(base, store, "later", 8); // t=200 at steps 0, 2, 4, 6, t=600 at 1, 3, 5, 7
            runs = await(root, r -> finishedAndReady(r, "later") && "later".equals(r.get("latest").asText()));
            assertEquals(4, run(runs, "later").get("recordedSteps").asInt());
            assertDriftSharesAddUpToOne(root, "later", 7);
            assertMetricsHaveBoundedLabels(root, 4);
        }
        assertEquals(Stemma.EXIT_BAD_INPUT, Stemma.run("serve", "--store", dir.resolve("absent").toString(), "--port", "0"));
    }

    private void train(Path base, Path store, String runId, int steps) {
        assertEquals(0, Stemma.run("train", "--base", base.toString(), "--data", TrainerCommandsIT.DATA,
                "--concepts", "Shirt,Bag", "--images-per-concept", "4", "--prior-per-class", "1", "--steps", "" + steps,
                "--batch", "4", "--rank", "2", "--run", runId, "--out", dir.resolve(runId + "/adapter.stw").toString(),
                "--store", store.toString(), "--activation-every", "1", "--probes-per-concept", "4",
                "--generations-per-concept", "1", "--metrics-port", "0"));
    }

    private void assertDriftSharesAddUpToOne(URI root, String runId, long lastStep) throws Exception {
        JsonNode drift = json(root, "/api/runs/" + runId + "/drift");
        assertEquals("trajectory-cosine", drift.get("method").asText());
        assertEquals(lastStep, drift.get("lastStep").asLong());
        JsonNode points = drift.get("checkpoints");
        assertFalse(points.isEmpty());
        long previous = -1;
        for (JsonNode p : points) {
            assertTrue(p.get("step").asLong() > previous, "checkpoints in step order: " + points);
            previous = p.get("step").asLong();
            for (JsonNode generated : drift.get("generated")) {
                JsonNode shares = p.get("shares").get(generated.asText());
                double sum = 0;
                for (JsonNode concept : drift.get("concepts")) {
                    sum += shares.get(concept.asText()).asDouble();
                }
                assertEquals(1.0, sum, 1e-3, "shares at step " + p.get("step") + " of " + generated + ": " + shares);
            }
        }
        assertEquals(lastStep, previous, "the last checkpoint is the latest recorded step");
        assertEquals(2, drift.get("latest").size());
        JsonNode later = json(root, "/api/runs/" + runId + "/drift?since=" + lastStep);
        assertTrue(later.get("checkpoints").isEmpty(), "?since= keeps only the checkpoints after that step");
    }

    private void assertAttributionListsTopImages(URI root, String runId) throws Exception {
        JsonNode attribution = json(root, "/api/runs/" + runId + "/attribution?top=2");
        assertEquals(2, attribution.get("images").size());
        for (JsonNode image : attribution.get("images")) {
            assertEquals(2, image.get("topTrainingImages").size());
            assertTrue(image.get("confidence").asDouble() >= 0 && image.get("confidence").asDouble() <= 1);
            assertTrue(Set.of("Shirt", "Bag").contains(image.get("generatedAs").asText()));
        }
    }

    private void assertMetricsHaveBoundedLabels(URI root, int recordedSteps) throws Exception {
        HttpResponse<String> metrics = get(root, "/metrics");
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        assertTrue(text.contains("stemma_analyzer_probe_share{generated=\"Shirt\",concept=\"Bag\",method=\"trajectory-cosine\",}"),
                text);
        assertTrue(text.contains("stemma_analyzer_recorded_steps " + recordedSteps + ".0"), text);
        assertTrue(text.contains("stemma_analyzer_refresh_seconds_count"), text);
        assertTrue(text.contains("stemma_analyzer_errors_total{stage=\"refresh\",} 0.0"), text);
        Matcher m = LABELS.matcher(text);
        Set<String> bounded = Set.of("generated", "concept", "method", "stage", "le");
        while (m.find()) {
            Matcher name = LABEL_NAME.matcher(m.group(2));
            while (name.find()) {
                assertTrue(bounded.contains(name.group(1)), m.group(1) + " has label " + name.group(1));
            }
        }
    }

    private void assertRefusalsAreOneLine(URI root) throws Exception {
        assertOneLine(get(root, "/api/runs/no-such-run/drift"), 404, "unknown run 'no-such-run'");
        assertOneLine(get(root, "/runs/no-such-run"), 404, "unknown run");
        assertOneLine(get(root, "/no/such/path"), 404, "no such path");
        assertOneLine(get(root, "/api/runs/.hidden/drift"), 400, "malformed run id");
        assertOneLine(get(root, "/api/runs/early/drift?since=yesterday"), 400, "since=yesterday");
        assertOneLine(get(root, "/api/runs/early/attribution?top=0"), 400, "top=0");
        assertOneLine(get(root, "/api/runs?verbose=1"), 400, "unknown parameter 'verbose'");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(root.resolve("/api/runs"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertOneLine(post, 405, "read-only");
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(root.resolve("/api/runs/early/drift")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(root.resolve("/api/runs"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertTrue(head.body().isEmpty());
    }

    private void assertPageIsSelfContained(URI root) throws Exception {
        for (String path : new String[] {"/", "/runs/early"}) {
            HttpResponse<String> page = get(root, path);
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            String html = page.body();
            assertTrue(html.contains("<script>") && html.contains("/api/runs/") && html.contains("<svg"), "inline script drawing SVG");
            assertFalse(html.contains("http:") || html.contains("https:") || html.contains("src="),
                    "no external script, style, font or image: the machines are offline");
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        }
    }

    private static void assertOneLine(HttpResponse<String> response, int status, String reason) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(response.body().contains(reason), response.body());
        assertEquals(1, response.body().strip().lines().count(), "one line, no stack trace: " + response.body());
    }

    private JsonNode await(URI root, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        JsonNode runs = null;
        while (System.nanoTime() < deadline) {
            runs = json(root, "/api/runs");
            if (done.test(runs)) {
                return runs;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not get there in 2 minutes: " + runs);
    }

    /** The run's end record is stored (so every step is) and its drift has no checkpoint left. */
    private static boolean finishedAndReady(JsonNode runs, String runId) {
        JsonNode run = run(runs, runId);
        return run != null && run.get("finished").asBoolean() && run.get("status").asText().equals("ready");
    }

    private static JsonNode run(JsonNode runs, String runId) {
        for (JsonNode run : runs.get("runs")) {
            if (run.get("id").asText().equals(runId)) {
                return run;
            }
        }
        return null;
    }

    private JsonNode json(URI root, String path) throws Exception {
        HttpResponse<String> response = get(root, path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return mapper.readTree(response.body());
    }

    private HttpResponse<String> get(URI root, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
