package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.protocol.StemmaVersion;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * There is no Docker engine on the build machines, so this test keeps docker-compose.yml honest
 * against the project instead of running it: the services exist, images are pinned, mounted files
 * exist, the Kafka quorum is consistent, every {@code stemma} command is accepted by the real
 * command line ({@link Stemma}), Prometheus scrapes every metrics endpoint on the port its command
 * listens on, and the Grafana dashboard charts only metrics that the code exports.
 *
 * <p>Exported metric names come from the code, not from a list: the collector's and the agent's
 * metrics are registered on a fresh registry and their sample names read back. The analyzer's
 * {@code stemma_analyzer_*} metrics belong to {@code stemma serve}, which is being built in
 * parallel; for them the rule is: a name is exported if it appears as a string literal
 * ({@code "stemma_analyzer_..."}) in the main sources of the analyzer or cli module, plus the
 * standard sample suffixes of that literal ({@code _total}, {@code _bucket}, ...). While no such
 * literal exists at all, the names in {@link #PENDING_ANALYZER_METRICS} are allowed; the first
 * literal ends that grace, after which every analyzer name on the dashboard must be in the code.
 */
class ComposeFileTest {
    static final Path COMPOSE = DeployFiles.ROOT.resolve("docker-compose.yml");
    static final Path PROMETHEUS_CONFIG = DeployFiles.ROOT.resolve("configs/prometheus/prometheus.yml");
    static final Path DASHBOARDS = DeployFiles.ROOT.resolve("configs/grafana/dashboards");
    static final Path DATASOURCES = DeployFiles.ROOT.resolve("configs/grafana/provisioning/datasources");
    static final Path PROVIDERS = DeployFiles.ROOT.resolve("configs/grafana/provisioning/dashboards");

    static final List<String> KAFKA = List.of("kafka-1", "kafka-2", "kafka-3");
    static final List<String> COLLECTORS = List.of("collector-1", "collector-2");
    static final List<String> ANALYZERS = List.of("analyzer-1", "analyzer-2");
    static final String DASHBOARD_TITLE = "Stemma: attribution drift and pipeline health";

    /** Drift series the dashboard charts before {@code stemma serve} exports them (see the class comment). */
    static final Set<String> PENDING_ANALYZER_METRICS = Set.of("stemma_analyzer_probe_share");
    /** Series Prometheus itself writes for every target. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("up");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        compose = DeployFiles.yaml(COMPOSE);
        services = new LinkedHashMap<>();
        ((Map<String, Object>) compose.get("services")).forEach((k, v) -> services.put(k, (Map<String, Object>) v));
    }

    @Test
    void shouldDefineEveryServiceOfTheDeployment() {
        Set<String> expected = new TreeSet<>();
        expected.addAll(KAFKA);
        expected.addAll(COLLECTORS);
        expected.addAll(ANALYZERS);
        expected.addAll(List.of("trainer", "prometheus", "grafana"));
        assertEquals(expected, new TreeSet<>(services.keySet()));
        for (String s : COLLECTORS) {
            assertEquals("collect", command(s).get(0), s);
        }
        for (String s : ANALYZERS) {
            assertEquals("serve", command(s).get(0), s);
        }
        assertEquals("train", command("trainer").get(0));
    }

    @Test
    void shouldPinEveryImageToAnExactVersion() throws IOException {
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            String image = (String) e.getValue().get("image");
            assertNotNull(image, e.getKey() + " names no image");
            assertPinned(e.getKey(), image);
        }
        for (String s : stemmaServices()) {
            assertEquals("stemma:" + StemmaVersion.current(), image(s), s + ": the image is tagged with the project version");
        }
        for (String k : KAFKA) {
            assertEquals("apache/kafka:" + AppInfoParser.getVersion(), image(k), k + ": the broker is the Kafka the clients are built with");
        }
        List<String> from = Files.readAllLines(DeployFiles.ROOT.resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("FROM ")).toList();
        assertFalse(from.isEmpty(), "the Dockerfile has a FROM line");
        for (String f : from) {
            assertPinned("Dockerfile", f.substring(5).trim().split("\\s+")[0]);
        }
    }

    private static void assertPinned(String where, String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.indexOf(':', slash + 1);
        assertTrue(colon > 0, where + ": image " + image + " has no tag");
        String tag = image.substring(colon + 1).replaceFirst("@sha256:.*", "");
        assertNotEquals("latest", tag, where + ": image " + image + " is not pinned");
        assertTrue(tag.matches(".*\\d+\\.\\d+\\.\\d+.*"), where + ": image " + image + " is not pinned to an exact version");
    }

    @Test
    void shouldMountOnlyFilesAndVolumesThatExist() throws IOException {
        @SuppressWarnings("unchecked")
        Set<String> declared = ((Map<String, Object>) compose.get("volumes")).keySet();
        for (String s : services.keySet()) {
            for (Mount m : mounts(s)) {
                if (m.hostPath() != null) {
                    assertTrue(Files.exists(m.hostPath()), s + " mounts " + m.source() + ", which is not in the repository");
                } else {
                    assertTrue(declared.contains(m.source()), s + " mounts volume " + m.source() + ", not declared under volumes:");
                }
            }
        }
        for (String s : stemmaServices()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) services.get(s).get("build");
            assertNotNull(build, s + " is built from the project");
            Path context = DeployFiles.ROOT.resolve((String) build.get("context")).normalize();
            assertTrue(Files.isRegularFile(context.resolve((String) build.get("dockerfile"))), s + ": no Dockerfile");
        }
        // Every COPY source of the Dockerfile is in the repository, or is what the cli module builds.
        String cliPom = Files.readString(DeployFiles.ROOT.resolve("cli/pom.xml"));
        for (String line : Files.readAllLines(DeployFiles.ROOT.resolve("Dockerfile"))) {
            if (!line.startsWith("COPY ")) {
                continue;
            }
            String source = line.split("\\s+")[1];
            if (source.equals("cli/target/stemma.jar")) {
                assertTrue(cliPom.contains("<finalName>stemma</finalName>"), "the cli module builds stemma.jar");
            } else if (source.equals("cli/target/lib/")) {
                assertTrue(cliPom.contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>")
                        && cliPom.contains("<classpathPrefix>lib/</classpathPrefix>"), "the cli module puts its jars in lib/");
            } else {
                assertTrue(Files.exists(DeployFiles.ROOT.resolve(source)), "Dockerfile copies " + source + ", which is not in the repository");
            }
        }
    }

    @Test
    void shouldRunAThreeNodeKraftQuorumWithReplicationFactorThree() {
        Set<String> clusterIds = new HashSet<>();
        Set<String> nodeIds = new HashSet<>();
        Set<String> advertised = new HashSet<>();
        for (String k : KAFKA) {
            Map<String, String> env = environment(k);
            assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"), k + ": combined mode");
            nodeIds.add(env.get("KAFKA_NODE_ID"));
            clusterIds.add(env.get("CLUSTER_ID"));
            Uuid.fromString(env.get("CLUSTER_ID")); // a valid cluster id, or this throws
            Map<String, String> listeners = listeners(env.get("KAFKA_LISTENERS"));
            Map<String, String> voters = new HashMap<>();
            for (String v : env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")) {
                String[] idAndAddress = v.split("@");
                voters.put(idAndAddress[0], idAndAddress[1]);
            }
            String controllerPort = listeners.get(env.get("KAFKA_CONTROLLER_LISTENER_NAMES"));
            assertEquals(Map.of("1", "kafka-1:" + controllerPort, "2", "kafka-2:" + controllerPort, "3", "kafka-3:" + controllerPort),
                    voters, k + ": the three nodes vote, at their controller listeners");
            for (String key : List.of("KAFKA_DEFAULT_REPLICATION_FACTOR", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")) {
                assertEquals("3", env.get(key), k + ": " + key);
            }
            assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS"), k + ": a write survives one node down");
            String inter = env.get("KAFKA_INTER_BROKER_LISTENER_NAME");
            Map<String, String> adv = listeners(env.get("KAFKA_ADVERTISED_LISTENERS"));
            assertEquals(k + ":" + listeners.get(inter), adv.get(inter), k + ": advertised under its service name");
            advertised.add(adv.get(inter));
            for (Map.Entry<String, String> l : adv.entrySet()) {
                if (l.getValue().startsWith("localhost:")) {
                    String port = l.getValue().substring("localhost:".length());
                    assertTrue(ports(k).contains(port + ":" + listeners.get(l.getKey())), k + ": host listener " + l + " is published");
                }
            }
        }
        assertEquals(Set.of("1", "2", "3"), nodeIds);
        assertEquals(1, clusterIds.size(), "one cluster id for all nodes");
        for (String s : stemmaServices()) {
            List<String> cmd = command(s);
            int i = cmd.indexOf("--bootstrap-servers");
            if (i >= 0) {
                Set<String> named = Set.of(cmd.get(i + 1).split(","));
                assertEquals(advertised, named, s + " bootstraps from every broker's advertised listener");
            }
        }
    }

    @Test
    void shouldGiveEveryStemmaCommandOptionsTheCommandLineAccepts() {
        int checked = 0;
        for (String s : stemmaServices()) {
            if (!DeployFiles.exists(command(s).get(0))) {
                continue; // pending: checked once the command is registered
            }
            try {
                parse(s);
                checked++;
            } catch (CommandLine.ParameterException e) {
                fail(s + ": 'stemma " + String.join(" ", command(s)) + "' is refused: " + e.getMessage());
            }
        }
        assertTrue(checked >= COLLECTORS.size() + 1, "the collectors and the trainer were parsed");
    }

    @Test
    void shouldKeepCollectorsInOneGroupEachWithItsOwnStore() throws Exception {
        Set<Object> groups = new HashSet<>();
        Set<Object> instanceIds = new HashSet<>();
        Map<String, String> storeVolumes = new HashMap<>();
        for (String c : COLLECTORS) {
            CommandLine.ParseResult p = parse(c);
            groups.add(value(p, "--group"));
            String store = value(p, "--store").toString();
            Object instance = value(p, "--instance-id");
            instanceIds.add(instance != null ? instance : CollectCommand.defaultInstanceId(Path.of(store)));
            Mount m = mountHolding(c, store);
            assertTrue(m.hostPath() == null && !m.readOnly(), c + ": its store is on a writable named volume");
            storeVolumes.put(c, m.source());
        }
        assertEquals(1, groups.size(), "one consumer group");
        assertEquals(COLLECTORS.size(), instanceIds.size(), "distinct static instance ids, or the group fences one replica");
        assertEquals(COLLECTORS.size(), new HashSet<>(storeVolumes.values()).size(), "one store volume per replica (RocksDB locks a store)");
        for (int i = 0; i < ANALYZERS.size(); i++) {
            String a = ANALYZERS.get(i);
            List<String> cmd = command(a);
            Mount m = mountHolding(a, cmd.get(cmd.indexOf("--store") + 1));
            assertEquals(storeVolumes.get(COLLECTORS.get(i)), m.source(), a + " serves the store of " + COLLECTORS.get(i));
            assertTrue(m.readOnly(), a + " reads its store read-only");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldScrapeEveryMetricsEndpointOnThePortItListensOn() throws IOException {
        Set<String> targets = new HashSet<>();
        for (Object job : (List<Object>) DeployFiles.yaml(PROMETHEUS_CONFIG).get("scrape_configs")) {
            Map<String, Object> j = (Map<String, Object>) job;
            for (Object sc : (List<Object>) j.get("static_configs")) {
                targets.addAll((List<String>) ((Map<String, Object>) sc).get("targets"));
            }
        }
        for (String t : targets) {
            String host = t.substring(0, t.lastIndexOf(':'));
            int port = Integer.parseInt(t.substring(t.lastIndexOf(':') + 1));
            assertTrue(services.containsKey(host), "scrape target " + t + " is not a compose service");
            assertTrue(metricsPorts(host).contains(port), "scrape target " + t + ": " + host + " listens on " + metricsPorts(host));
        }
        for (String s : services.keySet()) {
            for (int port : metricsPorts(s)) {
                assertTrue(targets.contains(s + ":" + port), "Prometheus does not scrape " + s + ":" + port);
            }
        }
        assertTrue(targets.size() >= COLLECTORS.size() + ANALYZERS.size() + 1, "collectors, analyzers and trainer scraped: " + targets);
    }

    @Test
    void shouldChartOnlyMetricsTheCodeExports() throws Exception {
        Set<String> exported = exportedMetricNames();
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(dashboards.isEmpty());
        Set<String> titles = new HashSet<>();
        for (Path d : dashboards) {
            JsonNode root = new ObjectMapper().readTree(d.toFile()); // valid JSON, or this throws
            titles.add(root.path("title").asText());
            List<String> exprs = root.findValuesAsText("expr");
            assertFalse(exprs.isEmpty(), d + " has no queries");
            for (String e : exprs) {
                Set<String> names = metricNames(e);
                assertFalse(names.isEmpty(), d.getFileName() + ": no metric in " + e);
                for (String n : names) {
                    assertTrue(exported.contains(n), d.getFileName() + ": '" + n + "' in " + e + " is not exported by the code");
                }
            }
            for (JsonNode panel : root.path("panels")) {
                if (!panel.path("type").asText().equals("row")) {
                    assertFalse(panel.path("targets").isEmpty(), d.getFileName() + ": panel '" + panel.path("title").asText() + "' has no query");
                }
            }
        }
        assertTrue(titles.contains(DASHBOARD_TITLE), "dashboards: " + titles);
    }

    @Test
    void shouldFindTheMetricNamesOfAPromQLExpression() {
        assertEquals(Set.of("a_bucket", "b_total", "c"), metricNames(
                "histogram_quantile(0.99, sum by (le, part) (rate(a_bucket{kind=\"x y\", job=~\"z\"}[$__rate_interval])))"
                        + " / on(instance) group_left sum without (reason) (increase(b_total[5m] offset 1h)) > bool 1e3 * c"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldProvisionTheDashboardWithTheComposePrometheus() throws IOException {
        Map<String, Object> ds = (Map<String, Object>) ((List<Object>) DeployFiles.yaml(DATASOURCES.resolve("prometheus.yml"))
                .get("datasources")).get(0);
        assertEquals("http://prometheus:" + metricsPorts("prometheus").iterator().next(), ds.get("url"));
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARDS.resolve("stemma.json").toFile());
        for (JsonNode uid : dashboard.findValues("datasource")) {
            assertEquals(ds.get("uid"), uid.path("uid").asText(), "panels use the provisioned datasource");
        }
        Map<String, Object> provider = (Map<String, Object>) ((List<Object>) DeployFiles.yaml(PROVIDERS.resolve("stemma.yml"))
                .get("providers")).get(0);
        String path = (String) ((Map<String, Object>) provider.get("options")).get("path");
        Mount m = mountHolding("grafana", path);
        assertEquals(DASHBOARDS, m.hostPath(), "the provider reads the mounted configs/grafana/dashboards");
        String home = environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        Mount h = mountHolding("grafana", home);
        assertTrue(Files.isRegularFile(h.hostPath().resolve(h.target().relativize(Path.of(home)).toString())), "home dashboard " + home);
    }

    // ---- the compose file, read as Compose reads it ----

    static List<String> stemmaServices() {
        return services.keySet().stream().filter(s -> image(s).startsWith("stemma:")).toList();
    }

    static String image(String service) {
        return (String) services.get(service).get("image");
    }

    @SuppressWarnings("unchecked")
    static List<String> command(String service) {
        Object c = services.get(service).get("command");
        assertTrue(c instanceof List, service + ": command is written as a list (exec form), so it is parsed as Docker does");
        List<String> cmd = new ArrayList<>();
        ((List<Object>) c).forEach(x -> cmd.add(String.valueOf(x)));
        return cmd;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        ((Map<String, Object>) services.get(service).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    @SuppressWarnings("unchecked")
    static List<String> ports(String service) {
        return ((List<Object>) services.get(service).getOrDefault("ports", List.of())).stream().map(String::valueOf).toList();
    }

    /** {@code NAME://host:port,...} as name to {@code host:port}. */
    static Map<String, String> listeners(String spec) {
        Map<String, String> out = new HashMap<>();
        for (String l : spec.split(",")) {
            String[] nameAndAddress = l.split("://");
            String address = nameAndAddress[1];
            out.put(nameAndAddress[0], address.startsWith(":") ? address.substring(1) : address);
        }
        return out;
    }

    /** A volume entry: host path (for {@code ./...}) or named volume, where it is mounted, read-only or not. */
    record Mount(String source, Path hostPath, Path target, boolean readOnly) {}

    @SuppressWarnings("unchecked")
    static List<Mount> mounts(String service) {
        List<Mount> out = new ArrayList<>();
        for (Object v : (List<Object>) services.get(service).getOrDefault("volumes", List.of())) {
            String[] parts = String.valueOf(v).split(":");
            boolean host = parts[0].startsWith(".") || parts[0].startsWith("/");
            out.add(new Mount(parts[0], host ? DeployFiles.ROOT.resolve(parts[0]).normalize() : null, Path.of(parts[1]),
                    parts.length > 2 && parts[2].equals("ro")));
        }
        return out;
    }

    /** The mount under which a container path lies. */
    static Mount mountHolding(String service, String containerPath) {
        Path p = Path.of(containerPath);
        return mounts(service).stream().filter(m -> p.startsWith(m.target())).findFirst()
                .orElseThrow(() -> new AssertionError(service + ": nothing is mounted at " + containerPath));
    }

    /**
     * A stemma service's command parsed by the real command line, with its {@code --config} file
     * (the repository file mounted there) read first, as {@link YamlConfig} does.
     */
    static CommandLine.ParseResult parse(String service) {
        List<String> cmd = command(service);
        CommandLine cl = DeployFiles.stemma();
        List<String> args = new ArrayList<>(List.of(cmd.get(0)));
        List<String> rest = cmd.subList(1, cmd.size());
        assertTrue(rest.stream().noneMatch(a -> a.startsWith("--config=")), service + ": write --config FILE as two words");
        int config = cmd.indexOf("--config");
        if (config >= 0) {
            Mount m = mountHolding(service, cmd.get(config + 1));
            assertNotNull(m.hostPath(), service + ": --config names a file from the repository");
            Path file = m.hostPath().resolve(m.target().relativize(Path.of(cmd.get(config + 1))).toString());
            args.addAll(YamlConfig.merged(cl.getSubcommands().get(cmd.get(0)).getCommandSpec(), file, rest));
        } else {
            args.addAll(rest);
        }
        return cl.parseArgs(args.toArray(String[]::new)).subcommand();
    }

    static Object value(CommandLine.ParseResult parsed, String option) {
        return parsed.commandSpec().findOption(option).getValue();
    }

    /**
     * The ports a service serves Prometheus metrics on, inside the compose network: a stemma
     * command's {@code --metrics-port} or {@code --port} (read from the parsed command; for a
     * pending command, from its literal arguments), Prometheus's own 9090. The address it binds
     * must be reachable from another container.
     */
    static Set<Integer> metricsPorts(String service) {
        Set<Integer> ports = new TreeSet<>();
        if (image(service).startsWith("stemma:")) {
            List<String> cmd = command(service);
            boolean parsed = DeployFiles.exists(cmd.get(0));
            CommandLine.ParseResult p = parsed ? parse(service) : null;
            for (String option : List.of("--metrics-port", "--port")) {
                Object v = parsed ? (p.commandSpec().findOption(option) == null ? null : value(p, option))
                        : (cmd.contains(option) ? cmd.get(cmd.indexOf(option) + 1) : null);
                if (v != null && Integer.parseInt(v.toString()) > 0) {
                    ports.add(Integer.parseInt(v.toString()));
                }
            }
            for (String option : List.of("--metrics-host", "--host")) {
                Object v = parsed ? (p.commandSpec().findOption(option) == null ? null : value(p, option))
                        : (cmd.contains(option) ? cmd.get(cmd.indexOf(option) + 1) : null);
                if (v != null && !ports.isEmpty()) {
                    assertFalse(Set.of("127.0.0.1", "localhost", "::1").contains(v.toString()),
                            service + ": " + option + " " + v + " cannot be scraped from the Prometheus container");
                }
            }
        } else if (image(service).startsWith("prom/prometheus:")) {
            ports.add(9090);
        }
        return ports;
    }

    // ---- metric names: what the code exports, what the dashboard asks for ----

    /** Sample names of the collector's and agent's metrics, plus the analyzer's (see the class comment). */
    static Set<String> exportedMetricNames() throws Exception {
        CollectorRegistry registry = new CollectorRegistry();
        new CollectorMetrics(registry);
        Constructor<?> agent = Class.forName("dev.stemma.agent.AgentMetrics").getDeclaredConstructor(CollectorRegistry.class);
        agent.setAccessible(true); // package-private in the agent: its names are read, nothing else
        agent.newInstance(registry);
        Set<String> names = new TreeSet<>(PROMETHEUS_SERIES);
        for (MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
            names.addAll(Arrays.asList(f.getNames()));
        }
        Set<String> analyzer = analyzerMetricLiterals();
        if (analyzer.isEmpty()) {
            names.addAll(PENDING_ANALYZER_METRICS);
        }
        for (String a : analyzer) {
            names.add(a);
            for (String suffix : List.of("_total", "_created", "_bucket", "_count", "_sum")) {
                names.add(a + suffix);
            }
        }
        return names;
    }

    /** {@code "stemma_analyzer_..."} string literals in the analyzer's and cli's main sources. */
    static Set<String> analyzerMetricLiterals() throws IOException {
        Pattern literal = Pattern.compile("\"(stemma_analyzer_[a-zA-Z0-9_]+)\"");
        Set<String> out = new TreeSet<>();
        for (String module : List.of("analyzer", "cli")) {
            try (Stream<Path> files = Files.walk(DeployFiles.ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = literal.matcher(Files.readString(f));
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    /** The metric names a PromQL expression selects: identifiers that are not functions, keywords or labels. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges and subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("\\$\\{?\\w+}?", " "); // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
        while (m.find()) {
            String rest = s.substring(m.end()).stripLeading();
            if (!rest.startsWith("(") && !PROMQL_KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }
}
