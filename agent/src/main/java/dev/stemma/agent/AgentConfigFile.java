package dev.stemma.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.DType;
import dev.stemma.protocol.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an {@link AgentConfig} from YAML, with the same kebab-case keys as the command options:
 *
 * <pre>
 * run-id: my-run                 # required
 * bootstrap-servers: host:9092   # required
 * topic: stemma.snapshots
 * activation-every: 10           # 0 = factors only
 * probes-per-concept: 64
 * generations-per-concept: 2
 * layers: [mid, up1]             # empty = all the model offers
 * timesteps: [200, 600]
 * timestep-schedule: in-turn    # or together: every capture takes every timestep
 * conditionings: [null, own]
 * poolings: [1, 2]               # grid sides; 1 = global mean
 * activation-dtype: float16
 * probe-batch-size: 128
 * queue-capacity-bytes: 67108864
 * backpressure: block            # or spill (needs spill-dir)
 * spill-dir: /var/tmp/stemma-spill
 * compression: none
 * seed: 0
 * base-model-sha256: ...
 * </pre>
 *
 * Keys left out take {@link AgentConfig#defaults}; an unknown key is an error, not ignored.
 */
public final class AgentConfigFile {
    private static final Set<String> KEYS = Set.of("run-id", "bootstrap-servers", "topic", "activation-every",
            "probes-per-concept", "generations-per-concept", "layers", "timesteps", "timestep-schedule", "conditionings",
            "poolings", "activation-dtype", "probe-batch-size", "queue-capacity-bytes", "backpressure", "spill-dir",
            "compression", "seed", "base-model-sha256");

    private AgentConfigFile() {}

    /**
     * Loads and validates a config file.
     *
     * @throws IllegalArgumentException naming the file and the key that is wrong
     */
    public static AgentConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("agent config file " + file + " does not exist");
        }
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a YAML mapping of agent settings");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "'; known keys: " + new java.util.TreeSet<>(KEYS));
            }
        }
        try {
            String runId = required(root, "run-id", file);
            String servers = required(root, "bootstrap-servers", file);
            RunProvenance provenance = new RunProvenance(root.path("seed").asLong(0),
                    root.path("base-model-sha256").asText("unknown"), Map.of(), Map.of("agent.config-file", file.toString()));
            AgentConfig d = AgentConfig.defaults(runId, servers, provenance);
            return new AgentConfig(runId, servers,
                    root.path("topic").asText(d.topic()),
                    root.path("activation-every").asInt(d.activationEvery()),
                    root.path("probes-per-concept").asInt(d.probesPerConcept()),
                    root.path("generations-per-concept").asInt(d.generationsPerConcept()),
                    list(root, "layers", JsonNode::asText, d.layers()),
                    list(root, "timesteps", JsonNode::asInt, d.timesteps()),
                    root.has("timestep-schedule")
                            ? AgentConfig.TimestepSchedule.parse(root.get("timestep-schedule").asText())
                            : d.timestepSchedule(),
                    list(root, "conditionings", n -> conditioning(n.asText()), d.conditionings()),
                    list(root, "poolings", n -> new Pooling(n.asInt()), d.poolings()),
                    root.has("activation-dtype") ? DType.valueOf(root.get("activation-dtype").asText().toUpperCase())
                            : d.activationDtype(),
                    root.path("probe-batch-size").asInt(d.probeBatchSize()),
                    root.path("queue-capacity-bytes").asLong(d.queueCapacityBytes()),
                    root.has("backpressure")
                            ? AgentConfig.Backpressure.valueOf(root.get("backpressure").asText().toUpperCase())
                            : d.backpressure(),
                    root.has("spill-dir") ? Path.of(root.get("spill-dir").asText()) : d.spillDir(),
                    root.path("compression").asText(d.compression()),
                    provenance);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code null}/{@code none} -> the null token, {@code own} -> the probe's own token. */
    public static Conditioning conditioning(String name) {
        return switch (name.toLowerCase()) {
            case "null", "none", "null_token" -> Conditioning.NULL_TOKEN;
            case "own", "own_token" -> Conditioning.OWN_TOKEN;
            default -> throw new IllegalArgumentException("conditioning '" + name + "' is not one of null, own");
        };
    }

    private static String required(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (n == null || n.asText().isBlank()) {
            throw new IllegalArgumentException("missing required key '" + key + "'");
        }
        return n.asText();
    }

    private static <T> List<T> list(JsonNode root, String key, Function<JsonNode, T> f, List<T> fallback) {
        JsonNode n = root.get(key);
        if (n == null) {
            return fallback;
        }
        List<T> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(e -> out.add(f.apply(e)));
        } else {
            for (String part : n.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(f.apply(new com.fasterxml.jackson.databind.node.TextNode(part.trim())));
                }
            }
        }
        return out;
    }
}
