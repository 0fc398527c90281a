package dev.stemma.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.RunProvenance;
import dev.stemma.agent.StemmaAgent;
import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import dev.stemma.protocol.DType;
import dev.stemma.trainer.CustomiseConfig;
import dev.stemma.trainer.LoopSettings;
import dev.stemma.trainer.StemmaTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code stemma bench agent}: the default customisation of the shipped base, run once with the
 * agent switched between options segment by segment ({@link AgentBenchmark}), against a real
 * embedded broker. Prints one JSON document.
 */
public final class AgentBenchRun {
    private AgentBenchRun() {}

    /** The benchmark's settings. */
    public record Settings(Path base, String dataSpec, Path work, int rounds, int warmupSteps, int segmentSteps,
                           int probesPerConcept, List<String> only) {}

    public static String run(Settings s, Consumer<String> log) throws IOException {
        List<String> concepts = CustomiseConfig.DEFAULT_CONCEPTS;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(s.work().resolve("kafka")))) {
            RunProvenance provenance = new RunProvenance(LoopSettings.SEED, "bench", Map.of(), Map.of());
            AgentConfig d = AgentConfig.defaults("bench-agent", kafka.bootstrapServers(), provenance)
                    .withProbes(s.probesPerConcept(), 2);
            int probes = s.probesPerConcept() * concepts.size() + 2 * concepts.size();
            List<AgentBenchmark.Option> options = new ArrayList<>();
            List<String> all = List.of("down0", "down1", "mid", "up1", "up0");
            options.add(new AgentBenchmark.Option("a: factors every step", d.withActivationEvery(0), 2));
            String taps = "the model's default layers, t="
                    + d.timesteps().stream().map(String::valueOf).collect(Collectors.joining(",")) + " "
                    + d.timestepSchedule();
            options.add(new AgentBenchmark.Option("b: + " + probes + " probes every 10 steps (" + taps + ")",
                    d.withActivationEvery(10), 5));
            options.add(new AgentBenchmark.Option("b1: b, all five layers",
                    variant(d, d.timesteps(), all, d.activationDtype(), d.probeBatchSize()).withActivationEvery(10), 5));
            options.add(new AgentBenchmark.Option("b2: b, one timestep (600)",
                    variant(d, List.of(600), d.layers(), d.activationDtype(), d.probeBatchSize())
                            .withActivationEvery(10), 5));
            options.add(new AgentBenchmark.Option("b3: b, first down block only (down1; the forward stops there)",
                    variant(d, d.timesteps(), List.of("down1"), d.activationDtype(), d.probeBatchSize())
                            .withActivationEvery(10), 5));
            options.add(new AgentBenchmark.Option("b4: b, every timestep at every capture (timestep-schedule together,"
                    + " the earlier default)", variant(d, d.timesteps(), AgentConfig.TimestepSchedule.TOGETHER, d.layers(),
                    d.activationDtype(), d.probeBatchSize()).withActivationEvery(10), 5));
            options.add(new AgentBenchmark.Option("c: + " + probes + " probes every step (" + taps + ")",
                    d.withActivationEvery(1), 25));
            options.add(new AgentBenchmark.Option("c1: c, one timestep (600)",
                    variant(d, List.of(600), d.layers(), d.activationDtype(), d.probeBatchSize()), 25));
            options.add(new AgentBenchmark.Option("c2: c, all five layers",
                    variant(d, d.timesteps(), all, d.activationDtype(), d.probeBatchSize()), 25));
            options.add(new AgentBenchmark.Option("c3: c, float32 activations",
                    variant(d, d.timesteps(), d.layers(), DType.FLOAT32, d.probeBatchSize()), 25));
            options.add(new AgentBenchmark.Option("c4: c, probes in batches of 16",
                    variant(d, d.timesteps(), d.layers(), d.activationDtype(), 16), 25));
            options.add(new AgentBenchmark.Option("c5: c, one timestep (600), first down block only (the forward stops there)",
                    variant(d, List.of(600), List.of("down1"), d.activationDtype(), d.probeBatchSize()), 25));
            options.add(new AgentBenchmark.Option("c6: c, every timestep at every capture (timestep-schedule together)",
                    variant(d, d.timesteps(), AgentConfig.TimestepSchedule.TOGETHER, d.layers(), d.activationDtype(),
                            d.probeBatchSize()), 25));
            if (!s.only().isEmpty()) {
                options.removeIf(o -> !s.only().contains(o.name().substring(0, o.name().indexOf(':'))));
            }
            AgentBenchmark bench = new AgentBenchmark(s.rounds(), s.warmupSteps(), s.segmentSteps(), options,
                    StemmaAgent::captureSecondsSoFar, log);
            CustomiseConfig config = CustomiseConfig.defaults(s.base(), s.dataSpec(), concepts, "bench-agent",
                    s.work().resolve("bench-agent.adapter"));
            // No checkpoints: writing one inside a segment would be charged to whichever option ran there.
            config = config.withLoop(config.loop().withSteps(bench.totalSteps()).withCheckpointEvery(0));
            log.accept("customising " + bench.totalSteps() + " steps; the agent changes every " + s.segmentSteps() + " steps");
            StemmaTrainer.customise(config, model -> List.of(bench.listener(model)), log);
            return json(s, probes, bench.results());
        }
    }

    private static AgentConfig variant(AgentConfig d, List<Integer> timesteps, List<String> layers, DType dtype,
                                       int probeBatch) {
        return variant(d, timesteps, d.timestepSchedule(), layers, dtype, probeBatch);
    }

    private static AgentConfig variant(AgentConfig d, List<Integer> timesteps, AgentConfig.TimestepSchedule schedule,
                                       List<String> layers, DType dtype, int probeBatch) {
        return new AgentConfig(d.runId(), d.bootstrapServers(), d.topic(), 1, d.probesPerConcept(),
                d.generationsPerConcept(), layers, timesteps, schedule, d.conditionings(), d.poolings(), dtype, probeBatch,
                d.queueCapacityBytes(), d.backpressure(), d.spillDir(), d.compression(), d.provenance());
    }

    private static String json(Settings s, int probes, List<AgentBenchmark.Result> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "agent");
        root.put("method", "one customisation; segments of " + s.segmentSteps() + " steps, B o1 B o2 ... per round, options"
                + " rotated each round; slowdown = median over rounds of (option ms/step / mean of the two neighbouring"
                + " baseline segments) - 1; the baseline row compares each baseline segment with the baseline segments"
                + " before and after it (the noise floor)");
        root.put("rounds", s.rounds());
        root.put("probes", probes);
        root.put("cores", Runtime.getRuntime().availableProcessors());
        ArrayNode arr = root.putArray("options");
        for (AgentBenchmark.Result r : results) {
            ObjectNode o = arr.addObject();
            o.put("name", r.name());
            o.put("medianMsPerStep", round(r.medianMsPerStep()));
            o.put("slowdownPercent", round(r.slowdownPercent()));
            ArrayNode rs = o.putArray("roundSlowdownPercent");
            for (double v : r.roundSlowdownPercent()) {
                rs.add(round(v));
            }
            o.put("medianSetupMs", round(r.medianSetupMs()));
            o.put("medianFlushMs", round(r.medianFlushMs()));
            o.put("medianCaptureMsPerStep", round(r.medianCaptureMsPerStep()));
            o.put("capturePercent", round(r.capturePercent()));
            ArrayNode profile = o.putArray("stepProfileMs");
            for (double v : r.stepProfileMs()) {
                profile.add(round(v));
            }
            if (!Double.isNaN(r.barPercent())) {
                o.put("barPercent", r.barPercent());
                o.put("meetsBar", r.meetsBar());
            }
        }
        return json.writeValueAsString(root);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

}
