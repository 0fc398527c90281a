package dev.stemma.analyzer.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.ScoredItem;
import dev.stemma.analyzer.drift.Drift;
import dev.stemma.protocol.RunIds;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the server, read-only, answered from the published {@link LiveRuns.View}:
 * <pre>
 * GET /                         the live page (follows the latest run)
 * GET /runs/{id}                the live page of one run
 * GET /api/runs                 runs, steps recorded, finished or not, drift status
 * GET /api/runs/{id}/drift      checkpoints (mean shares per generated concept) and the latest answers;
 *                               ?since=STEP keeps only the checkpoints after STEP
 * GET /api/runs/{id}/attribution  latest answer per probe generation with its top K training images [?top=K]
 * GET /metrics                  Prometheus text format
 * </pre>
 * GET and HEAD only (405 otherwise); an unknown run or path is 404, a malformed id or parameter
 * 400, each with a one-line plain-text reason. Anything else that goes wrong is caught here,
 * logged once and answered 500 with one line, never a stack trace.
 */
final class HttpApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern RUN_PATH = Pattern.compile("/api/runs/([^/]*)/(drift|attribution)");
    private static final Pattern PAGE_PATH = Pattern.compile("/runs/([^/]*)");
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    /** The page may run its own inline script and fetch from this server, and nothing else. */
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

    private final Supplier<LiveRuns.View> view;
    private final ServeConfig config;
    private final CollectorRegistry registry;
    private final DriftMetrics metrics;
    private final byte[] page;
    private final ObjectMapper mapper = new ObjectMapper();

    HttpApi(Supplier<LiveRuns.View> view, ServeConfig config, CollectorRegistry registry, DriftMetrics metrics, String page) {
        this.view = view;
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.page = page.getBytes(StandardCharsets.UTF_8);
    }

    /** A request that cannot be answered as asked: its status and one line saying why. */
    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private record Response(int status, String contentType, byte[] body) {
        static Response text(int status, String line) {
            return new Response(status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = route(exchange);
            } catch (Refused r) {
                response = Response.text(r.status, r.getMessage());
            } catch (RuntimeException | IOException e) {
                metrics.error(DriftMetrics.STAGE_REQUEST);
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
                response = Response.text(500, "internal error: " + LiveRuns.oneLine(e));
            }
            send(exchange, response);
        } catch (IOException | RuntimeException e) { // the client went away while we answered
            LOG.debug("could not answer {}: {}", exchange.getRequestURI().getRawPath(), e.toString());
        }
    }

    private Response route(HttpExchange exchange) throws Refused, IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            throw new Refused(405, "method " + printable(method) + " not allowed: this server is read-only (GET, HEAD)");
        }
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        LiveRuns.View v = view.get();
        if (path.equals("/") || path.equals("/index.html")) {
            allow(query);
            return page(exchange);
        }
        if (path.equals("/metrics")) {
            allow(query);
            return metrics(exchange);
        }
        if (path.equals("/api/runs")) {
            allow(query);
            return json(runs(v));
        }
        Matcher m = RUN_PATH.matcher(path);
        if (m.matches()) {
            LiveRuns.RunState run = run(v, m.group(1));
            if (m.group(2).equals("drift")) {
                allow(query, "since");
                long since = number(query, "since", -1, 0, Long.MAX_VALUE);
                return json(drift(run, since));
            }
            allow(query, "top");
            int top = (int) number(query, "top", config.topImages(), 1, ServeConfig.MAX_TOP_IMAGES);
            return json(attribution(run, top));
        }
        Matcher p = PAGE_PATH.matcher(path);
        if (p.matches()) {
            run(v, p.group(1));
            allow(query);
            return page(exchange);
        }
        throw new Refused(404, "no such path: " + printable(path)
                + " (try /, /runs/{id}, /api/runs, /api/runs/{id}/drift, /api/runs/{id}/attribution, /metrics)");
    }

    private Response page(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Content-Security-Policy", PAGE_POLICY);
        return new Response(200, HTML, page);
    }

    private Response metrics(HttpExchange exchange) throws IOException {
        String contentType = TextFormat.chooseContentType(exchange.getRequestHeaders().getFirst("Accept"));
        StringWriter text = new StringWriter();
        TextFormat.writeFormat(contentType, text, registry.metricFamilySamples());
        return new Response(200, contentType, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Response json(ObjectNode root) throws IOException {
        return new Response(200, JSON, mapper.writeValueAsBytes(root));
    }

    private ObjectNode runs(LiveRuns.View v) {
        ObjectNode root = mapper.createObjectNode();
        root.put("latest", v.latest());
        root.put("refreshedAt", v.refreshedAt() == null ? null : v.refreshedAt().toString());
        ArrayNode runs = root.putArray("runs");
        for (LiveRuns.RunState run : v.runs().values()) {
            ObjectNode o = runs.addObject();
            o.put("id", run.id());
            o.put("finished", run.finished());
            o.put("startTime", run.started() == null ? null : run.started().toString());
            o.put("recordedSteps", run.recordedSteps());
            o.put("lastStep", run.drift() == null ? -1 : run.drift().lastStep());
            o.put("status", run.status().name().toLowerCase(java.util.Locale.ROOT));
            if (run.note() != null) {
                o.put("note", run.note());
            }
            o.put("checkpoints", run.drift() == null ? 0 : run.drift().checkpoints().size());
            o.put("pendingCheckpoints", run.drift() == null ? 0 : run.drift().pending());
            o.put("generations", run.drift() == null ? 0 : run.drift().latest().size());
        }
        return root;
    }

    private ObjectNode header(LiveRuns.RunState run) {
        ObjectNode root = mapper.createObjectNode();
        root.put("run", run.id());
        root.put("method", run.drift() == null ? null : run.drift().method());
        root.put("conditioning", config.conditioning().name());
        root.put("rank", config.drift().representation().rank());
        root.put("finished", run.finished());
        root.put("status", run.status().name().toLowerCase(java.util.Locale.ROOT));
        if (run.note() != null) {
            root.put("note", run.note());
        }
        root.put("recordedSteps", run.recordedSteps());
        root.put("lastStep", run.drift() == null ? -1 : run.drift().lastStep());
        return root;
    }

    private ObjectNode drift(LiveRuns.RunState run, long since) {
        ObjectNode root = header(run);
        Drift drift = run.drift();
        ArrayNode concepts = root.putArray("concepts");
        ArrayNode generated = root.putArray("generated");
        ArrayNode points = root.putArray("checkpoints");
        ArrayNode latest = root.putArray("latest");
        if (drift == null) {
            return root;
        }
        drift.concepts().forEach(concepts::add);
        drift.generatedConcepts().forEach(generated::add);
        root.put("pendingCheckpoints", drift.pending());
        for (Drift.Checkpoint p : drift.checkpoints()) {
            if (p.step() <= since) {
                continue;
            }
            ObjectNode o = points.addObject();
            o.put("step", p.step());
            o.put("recordedSteps", p.recordedSteps());
            ObjectNode shares = o.putObject("shares");
            ObjectNode confidence = o.putObject("confidence");
            for (Map.Entry<String, Drift.MeanShares> e : p.generated().entrySet()) {
                shares.set(e.getKey(), shares(drift.concepts(), e.getValue().shares()));
                confidence.put(e.getKey(), round4(e.getValue().confidence()));
            }
        }
        for (Drift.Answer a : drift.latest()) {
            answer(latest.addObject(), a, 0);
        }
        return root;
    }

    private ObjectNode attribution(LiveRuns.RunState run, int top) {
        ObjectNode root = header(run);
        ArrayNode images = root.putArray("images");
        if (run.drift() != null) {
            for (Drift.Answer a : run.drift().latest()) {
                answer(images.addObject(), a, top);
            }
        }
        return root;
    }

    /** One generation's answer, as {@code stemma attribute} writes it. */
    private void answer(ObjectNode o, Drift.Answer answer, int top) {
        Attribution a = answer.attribution();
        o.put("probe", answer.generation().probeId());
        o.put("image", answer.generation().imageId());
        o.put("generatedAs", answer.generation().concept());
        o.put("topConcept", a.topConcept());
        o.set("shares", shares(a.concepts(), a.shares()));
        o.put("confidence", round4(a.confidence().value()));
        o.put("lowConfidence", a.confidence().low());
        if (top > 0) {
            ArrayNode items = o.putArray("topTrainingImages");
            for (ScoredItem item : a.topItems(top)) {
                items.addObject().put("image", item.id()).put("concept", item.concept()).put("score", round4(item.score()));
            }
        }
    }

    private ObjectNode shares(List<String> concepts, double[] shares) {
        ObjectNode o = mapper.createObjectNode();
        for (int c = 0; c < shares.length; c++) {
            o.put(concepts.get(c), round4(shares[c]));
        }
        return o;
    }

    private static LiveRuns.RunState run(LiveRuns.View v, String rawId) throws Refused {
        String id = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
        if (!RunIds.isValid(id)) {
            throw new Refused(400, "malformed run id '" + printable(id)
                    + "': expected 1 to 128 characters of A-Z a-z 0-9 . _ - not starting with '.'");
        }
        LiveRuns.RunState run = v.runs().get(id);
        if (run == null) {
            String known = String.join(", ", v.runs().keySet());
            throw new Refused(404, "unknown run '" + id + "' (runs: " + (known.isEmpty() ? "none yet" : printable(known)) + ")");
        }
        return run;
    }

    private static Map<String, String> query(String raw) throws Refused {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "malformed query string: " + printable(raw));
            }
            if (params.put(name, value) != null) {
                throw new Refused(400, "parameter '" + printable(name) + "' given twice");
            }
        }
        return params;
    }

    private static void allow(Map<String, String> query, String... names) throws Refused {
        Set<String> allowed = Set.of(names);
        for (String name : query.keySet()) {
            if (!allowed.contains(name)) {
                throw new Refused(400, "unknown parameter '" + printable(name) + "'"
                        + (names.length == 0 ? ": this path takes none" : " (this path takes: " + String.join(", ", names) + ")"));
            }
        }
    }

    private static long number(Map<String, String> query, String name, long absent, long min, long max) throws Refused {
        String value = query.get(name);
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below with the expected range
        }
        throw new Refused(400, "parameter " + name + "=" + printable(value) + " must be an integer "
                + (max == Long.MAX_VALUE ? "from " + min : "in " + min + ".." + max));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length == 0 ? -1 : response.body().length);
        if (!head && response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    /** User input echoed in a reason: one line, printable, short. */
    private static String printable(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    /** Four decimals are plenty for shares, scores and confidences, as in {@code stemma attribute}. */
    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
