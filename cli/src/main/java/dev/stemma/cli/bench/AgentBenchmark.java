package dev.stemma.cli.bench;

import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.StemmaAgent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures the agent's cost to training: one workload is stepped in segments, each segment
 * either without the agent (the baseline) or with one agent option, in an order that rotates
 * every round, so that drift of the machine hits every option alike. The slowdown of an option
 * is the median over rounds of (its ms per step / the same round's baseline ms per step) - 1.
 * Time spent flushing the agent after a segment is reported apart, not counted as training time.
 */
final class AgentBenchmark {
    private static final TrainingListener NONE = new TrainingListenerAdapter() {};

    /** One agent option: a name and its config (null for the baseline). */
    record Option(String name, AgentConfig config, double barPercent) {}

    /** The figures of one option. */
    record Result(String name, double medianMsPerStep, double slowdownPercent, double[] roundSlowdownPercent,
                  double medianFlushMs, double barPercent, boolean meetsBar) {}

    private final int rounds;
    private final int warmupSteps;
    private final int segmentSteps;
    private final Consumer<String> progress;

    AgentBenchmark(int rounds, int warmupSteps, int segmentSteps, Consumer<String> progress) {
        if (rounds < 1 || segmentSteps < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("rounds and segment steps must be positive, warm-up not negative");
        }
        this.rounds = rounds;
        this.warmupSteps = warmupSteps;
        this.segmentSteps = segmentSteps;
        this.progress = progress;
    }

    List<Result> run(TrainingWorkload workload, List<Option> options) {
        for (int i = 0; i < warmupSteps; i++) {
            workload.step(NONE);
        }
        List<Option> all = new ArrayList<>();
        all.add(new Option("baseline", null, Double.NaN));
        all.addAll(options);
        Map<String, double[]> msPerStep = new LinkedHashMap<>();
        Map<String, double[]> flushMs = new LinkedHashMap<>();
        for (Option o : all) {
            msPerStep.put(o.name(), new double[rounds]);
            flushMs.put(o.name(), new double[rounds]);
        }
        int segment = 0;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < all.size(); k++) {
                Option o = all.get((k + r) % all.size());
                double[] timing = segment(workload, o, "bench-" + segment++);
                msPerStep.get(o.name())[r] = timing[0];
                flushMs.get(o.name())[r] = timing[1];
                progress.accept(String.format("round %d/%d %-28s %.1f ms/step", r + 1, rounds, o.name(), timing[0]));
            }
        }
        double[] base = msPerStep.get("baseline");
        List<Result> results = new ArrayList<>();
        for (Option o : all) {
            double[] ms = msPerStep.get(o.name());
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = 100.0 * (ms[r] / base[r] - 1);
            }
            double slowdown = median(ratios);
            results.add(new Result(o.name(), median(ms), slowdown, ratios, median(flushMs.get(o.name())),
                    o.barPercent(), Double.isNaN(o.barPercent()) || slowdown <= o.barPercent()));
        }
        return results;
    }

    /** Runs one segment; returns {ms per step, ms to flush the agent afterwards}. */
    private double[] segment(TrainingWorkload workload, Option option, String runId) {
        StemmaAgent agent = option.config() == null ? null
                : StemmaAgent.from(option.config().withRunId(runId), workload.model());
        TrainingListener listener = agent == null ? NONE : agent;
        if (agent != null) {
            agent.start(workload.trainer()); // probe generation is set-up, not a training step
        }
        long start = System.nanoTime();
        for (int i = 0; i < segmentSteps; i++) {
            workload.step(listener);
        }
        long trained = System.nanoTime();
        if (agent != null) {
            agent.onTrainingEnd(workload.trainer());
        }
        long flushed = System.nanoTime();
        return new double[] {(trained - start) / 1e6 / segmentSteps, (flushed - trained) / 1e6};
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
