package dev.stemma.agent;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.DType;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.RunIds;
import dev.stemma.protocol.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the agent needs to know, validated when built. Defaults live in {@link #defaults}
 * and nowhere else; see the README for why each default is what it is.
 *
 * @param runId                the run being recorded
 * @param bootstrapServers     Kafka bootstrap servers
 * @param topic                topic the records go to (default {@value Topics#SNAPSHOTS})
 * @param activationEvery      probe activations are taken every this many steps (factors every step; default 10)
 * @param probesPerConcept     cap on the training images of each concept used as probes (default 64)
 * @param generationsPerConcept fixed-seed probe generations per concept made at the start (default 2)
 * @param layers               tapped layers; empty means the model's default probe layers (default empty)
 * @param timesteps            diffusion timesteps of the probe forwards (default 200, 600)
 * @param timestepSchedule     whether a capture takes every timestep or one in turn (default in turn: each
 *                             timestep every {@code 2 x activationEvery} steps, at the cost of one)
 * @param conditionings        conditionings of the probe forwards (default null token only)
 * @param poolings             poolings of each tapped activation (default global mean and a 2x2 grid)
 * @param activationDtype      precision of recorded activations; factors are always float32 (default float16)
 * @param probeBatchSize       (probe, timestep) pairs per forward, timesteps mixed (default 128: the 64 probes
 *                             of the agent benchmark in one forward, at both default timesteps if taken together)
 * @param queueCapacityBytes   bytes of captured steps waiting to be sent before training is held (default 64 MiB)
 * @param backpressure         what happens when that queue is full (default {@link Backpressure#BLOCK})
 * @param spillDir             where {@link Backpressure#SPILL} writes records Kafka could not take yet
 * @param compression          Kafka producer compression (default none: float tensors barely compress)
 * @param provenance           how the run was made, for its manifest
 */
public record AgentConfig(String runId, String bootstrapServers, String topic, int activationEvery,
                          int probesPerConcept, int generationsPerConcept, List<String> layers, List<Integer> timesteps,
                          TimestepSchedule timestepSchedule, List<Conditioning> conditionings, List<Pooling> poolings,
                          DType activationDtype, int probeBatchSize, long queueCapacityBytes, Backpressure backpressure,
                          Path spillDir, String compression, RunProvenance provenance) {

    /** What the agent does when Kafka cannot keep up. */
    public enum Backpressure {
        /** Hold the training thread until there is room: slower training, nothing lost. */
        BLOCK,
        /** Write records to a local spill file and send them when Kafka is back: training goes on. */
        SPILL
    }

    /** Which of the timesteps a capture takes. */
    public enum TimestepSchedule {
        /** Every capture takes every timestep. */
        TOGETHER,
        /**
         * Capture k (at step {@code k x activationEvery}) takes timestep {@code k mod T} only: each
         * timestep's series is recorded every {@code T x activationEvery} steps, and a capture
         * costs one timestep's forward instead of T.
         */
        IN_TURN;

        /** {@code together} or {@code in-turn}, as in config files and command options. */
        public static TimestepSchedule parse(String name) {
            return switch (name.toLowerCase().replace('_', '-')) {
                case "together" -> TOGETHER;
                case "in-turn" -> IN_TURN;
                default -> throw new IllegalArgumentException(
                        "timestep schedule '" + name + "' is not one of together, in-turn");
            };
        }

        @Override
        public String toString() {
            return this == TOGETHER ? "together" : "in-turn";
        }
    }

    public AgentConfig {
        RunIds.requireValid(runId);
        requireText(bootstrapServers, "bootstrap servers");
        requireText(topic, "topic");
        if (activationEvery < 0) {
            throw new IllegalArgumentException("activation interval must be 0 (never) or positive, got " + activationEvery);
        }
        if (probesPerConcept < 0 || generationsPerConcept < 0) {
            throw new IllegalArgumentException("probe counts must not be negative");
        }
        layers = List.copyOf(layers);
        timesteps = List.copyOf(timesteps);
        for (int t : timesteps) {
            if (t < 0 || t > 0xffff) {
                throw new IllegalArgumentException("probe timestep " + t + " outside 0..65535");
            }
        }
        Objects.requireNonNull(timestepSchedule, "timestep schedule");
        conditionings = List.copyOf(conditionings);
        poolings = List.copyOf(poolings);
        if (activationEvery > 0 && (timesteps.isEmpty() || conditionings.isEmpty() || poolings.isEmpty())) {
            throw new IllegalArgumentException("recording activations needs at least one timestep, conditioning and pooling");
        }
        Objects.requireNonNull(activationDtype, "activation dtype");
        if (probeBatchSize < 1) {
            throw new IllegalArgumentException("probe batch size must be positive, got " + probeBatchSize);
        }
        if (queueCapacityBytes < (1 << 20)) {
            throw new IllegalArgumentException("queue capacity must be at least 1 MiB, got " + queueCapacityBytes);
        }
        Objects.requireNonNull(backpressure, "backpressure");
        if (backpressure == Backpressure.SPILL && spillDir == null) {
            throw new IllegalArgumentException("backpressure SPILL needs a spill directory");
        }
        if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            throw new IllegalArgumentException("compression '" + compression + "' is not one of none, gzip, snappy, lz4, zstd");
        }
        Objects.requireNonNull(provenance, "provenance");
    }

    /** The defaults, for a run and a broker. */
    public static AgentConfig defaults(String runId, String bootstrapServers, RunProvenance provenance) {
        return new AgentConfig(runId, bootstrapServers, Topics.SNAPSHOTS, 10, 64, 2, List.of(), List.of(200, 600),
                TimestepSchedule.IN_TURN, List.of(Conditioning.NULL_TOKEN), List.of(Pooling.GLOBAL_MEAN,
                new Pooling(2)), DType.FLOAT16, 128, 64L << 20, Backpressure.BLOCK, null, "none", provenance);
    }

    /** Whether probe activations are taken at {@code step}. */
    public boolean activationsAt(long step) {
        return activationEvery > 0 && step % activationEvery == 0;
    }

    /**
     * The timesteps of the capture at {@code step} (one where {@link #activationsAt} is true): all of
     * them, or under {@link TimestepSchedule#IN_TURN} the one whose turn it is.
     */
    public List<Integer> timestepsAt(long step) {
        if (timestepSchedule == TimestepSchedule.TOGETHER || timesteps.size() < 2) {
            return timesteps;
        }
        return List.of(timesteps.get((int) Math.floorMod(step / activationEvery, (long) timesteps.size())));
    }

    /** This config with activations taken every {@code every} steps (0: never). */
    public AgentConfig withActivationEvery(int every) {
        return new AgentConfig(runId, bootstrapServers, topic, every, probesPerConcept, generationsPerConcept, layers,
                timesteps, timestepSchedule, conditionings, poolings, activationDtype, probeBatchSize,
                queueCapacityBytes, backpressure, spillDir, compression, provenance);
    }

    /** This config with another probe set size. */
    public AgentConfig withProbes(int perConcept, int generations) {
        return new AgentConfig(runId, bootstrapServers, topic, activationEvery, perConcept, generations, layers,
                timesteps, timestepSchedule, conditionings, poolings, activationDtype, probeBatchSize,
                queueCapacityBytes, backpressure, spillDir, compression, provenance);
    }

    /** This config for another run id. */
    public AgentConfig withRunId(String newRunId) {
        return new AgentConfig(newRunId, bootstrapServers, topic, activationEvery, probesPerConcept,
                generationsPerConcept, layers, timesteps, timestepSchedule, conditionings, poolings, activationDtype,
                probeBatchSize, queueCapacityBytes, backpressure, spillDir, compression, provenance);
    }

    /** This config sending to other Kafka bootstrap servers. */
    public AgentConfig withBootstrapServers(String servers) {
        return new AgentConfig(runId, servers, topic, activationEvery, probesPerConcept, generationsPerConcept,
                layers, timesteps, timestepSchedule, conditionings, poolings, activationDtype, probeBatchSize,
                queueCapacityBytes, backpressure, spillDir, compression, provenance);
    }

    /** This config with other backpressure. */
    public AgentConfig withBackpressure(Backpressure policy, Path dir) {
        return new AgentConfig(runId, bootstrapServers, topic, activationEvery, probesPerConcept,
                generationsPerConcept, layers, timesteps, timestepSchedule, conditionings, poolings, activationDtype,
                probeBatchSize, queueCapacityBytes, policy, dir, compression, provenance);
    }

    /** The config as flat key/value pairs, for the run manifest. */
    public Map<String, String> describe() {
        return Map.ofEntries(
                Map.entry("agent.topic", topic),
                Map.entry("agent.activation-every", Integer.toString(activationEvery)),
                Map.entry("agent.probes-per-concept", Integer.toString(probesPerConcept)),
                Map.entry("agent.generations-per-concept", Integer.toString(generationsPerConcept)),
                Map.entry("agent.layers", String.join(",", layers)),
                Map.entry("agent.timesteps", timesteps.toString()),
                Map.entry("agent.timestep-schedule", timestepSchedule.toString()),
                Map.entry("agent.conditionings", conditionings.toString()),
                Map.entry("agent.poolings", poolings.stream().map(p -> Integer.toString(p.grid())).toList().toString()),
                Map.entry("agent.activation-dtype", activationDtype.name()),
                Map.entry("agent.backpressure", backpressure.name()));
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
