package dev.stemma.cli.bench;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.MonitoredModel;
import dev.stemma.agent.StemmaAgent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures the agent's cost to training within one customisation: after a warm-up, the run is cut
 * into segments of {@code segmentSteps} steps, each either without the agent (the baseline) or
 * with one agent option, in an order that rotates every round, so that drift of the machine hits
 * every option alike. A segment's time runs from its first batch (after the agent's set-up) to
 * the next segment's first batch (before the previous agent is flushed), so set-up and flush are
 * reported apart and not counted as training time. The slowdown of an option is the median over
 * rounds of (its ms per step / the same round's baseline ms per step) - 1.
 */
public final class AgentBenchmark {

    /** One agent option: a name, its config (null for the baseline) and its bar in percent. */
    public record Option(String name, AgentConfig config, double barPercent) {}

    /** The figures of one option. */
    public record Result(String name, double medianMsPerStep, double slowdownPercent, double[] roundSlowdownPercent,
                         double medianSetupMs, double medianFlushMs, double barPercent, boolean meetsBar) {}

    private final int rounds;
    private final int warmupSteps;
    private final int segmentSteps;
    private final List<Option> options;
    private final Consumer<String> progress;

    public AgentBenchmark(int rounds, int warmupSteps, int segmentSteps, List<Option> options, Consumer<String> progress) {
        if (rounds < 1 || segmentSteps < 2 || warmupSteps < 0) {
            throw new IllegalArgumentException("rounds must be positive, segments at least 2 steps, warm-up not negative");
        }
        this.rounds = rounds;
        this.warmupSteps = warmupSteps;
        this.segmentSteps = segmentSteps;
        List<Option> all = new ArrayList<>();
        all.add(new Option("baseline", null, Double.NaN));
        all.addAll(options);
        this.options = List.copyOf(all);
        this.progress = progress;
    }

    /** Training steps the customisation must run for the whole schedule. */
    public int totalSteps() {
        return warmupSteps + rounds * options.size() * segmentSteps + 1;
    }

    /** The listener to attach to the customisation; it drives the schedule. */
    public TrainingListener listener(MonitoredModel model) {
        return new Schedule(model);
    }

    /** The results, once the customisation ran {@link #totalSteps()} steps. */
    public List<Result> results() {
        return results;
    }

    private final Map<String, double[]> msPerStep = new LinkedHashMap<>();
    private final Map<String, double[]> setupMs = new LinkedHashMap<>();
    private final Map<String, double[]> flushMs = new LinkedHashMap<>();
    private final List<Result> results = new ArrayList<>();

    private final class Schedule extends TrainingListenerAdapter {
        private final MonitoredModel model;
        private long step;
        private StemmaAgent agent;
        private Option current;
        private int currentRound;
        private long segmentStart;

        Schedule(MonitoredModel model) {
            this.model = model;
            for (Option o : options) {
                msPerStep.put(o.name(), new double[rounds]);
                setupMs.put(o.name(), new double[rounds]);
                flushMs.put(o.name(), new double[rounds]);
            }
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            long s = step++;
            if (isSegmentBoundary(s)) {
                long now = System.nanoTime();
                if (current != null) {
                    msPerStep.get(current.name())[currentRound] = (now - segmentStart) / 1e6 / segmentSteps;
                    long f0 = System.nanoTime();
                    if (agent != null) {
                        agent.onTrainingEnd(trainer);
                    }
                    flushMs.get(current.name())[currentRound] = (System.nanoTime() - f0) / 1e6;
                    progress.accept(String.format("round %d/%d  %-34s %7.1f ms/step", currentRound + 1, rounds,
                            current.name(), msPerStep.get(current.name())[currentRound]));
                    agent = null;
                    current = null;
                }
                int segment = (int) ((s - warmupSteps) / segmentSteps);
                if (segment < rounds * options.size()) {
                    currentRound = segment / options.size();
                    current = options.get((segment % options.size() + currentRound) % options.size());
                    long a0 = System.nanoTime();
                    if (current.config() != null) {
                        agent = StemmaAgent.from(current.config().withRunId("bench-agent-" + segment), model);
                        agent.start(trainer);
                    }
                    setupMs.get(current.name())[currentRound] = (System.nanoTime() - a0) / 1e6;
                    segmentStart = System.nanoTime();
                } else if (results.isEmpty()) {
                    summarise();
                }
            }
            if (agent != null) {
                agent.onTrainingBatch(trainer, batchData);
            }
        }
    }

    private boolean isSegmentBoundary(long s) {
        return s >= warmupSteps && (s - warmupSteps) % segmentSteps == 0;
    }

    private void summarise() {
        double[] base = msPerStep.get("baseline");
        for (Option o : options) {
            double[] ms = msPerStep.get(o.name());
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = 100.0 * (ms[r] / base[r] - 1);
            }
            double slowdown = median(ratios);
            results.add(new Result(o.name(), median(ms), slowdown, ratios, median(setupMs.get(o.name())),
                    median(flushMs.get(o.name())), o.barPercent(),
                    Double.isNaN(o.barPercent()) || slowdown <= o.barPercent()));
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
