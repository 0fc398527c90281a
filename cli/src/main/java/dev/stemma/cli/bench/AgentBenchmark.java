package dev.stemma.cli.bench;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.MonitoredModel;
import dev.stemma.agent.StemmaAgent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Measures the agent's cost to training within one customisation: after a warm-up, the run is cut
 * into segments of {@code segmentSteps} steps, and every option's segment sits between two
 * baseline segments (no agent): {@code B o1 B o2 ... B on} per round, the options' order rotating
 * every round, and one closing {@code B}. An option segment's slowdown is its ms per step over the
 * mean of its two neighbouring baseline segments, minus one, so drift of a shared machine slower
 * than a segment cancels out; the option's figure is the median over rounds. Each option has one
 * agent for the whole benchmark, as a job has: started at its first segment (its set-up, up to its
 * manifest being acknowledged, reported apart) and fed only the batches of its own segments; after
 * each of them it is flushed ({@link StemmaAgent#flush}, reported apart), so that none of its sends
 * runs into the next segment. (A fresh agent per segment made the first steps of every option
 * segment slower -- its producer connecting, its first records -- which no job pays at every step.)
 * A segment's time runs from its first batch (after any set-up) to the next segment's first batch
 * (before the flush), so set-up and flush are not counted as training time. The baseline's own
 * row gives the noise floor: consecutive baseline segments compared the same way (each against
 * the mean of the baseline segments before and after it). Beside the slowdown, each option
 * reports the time its agent spent on the training thread (copying the factors out, taking probe
 * activations), per step and as a share of its neighbouring baselines' step: the direct cost, so
 * that what the slowdown holds beyond it (slower steps after a capture, the agent's own thread)
 * shows; and its step profile, the median time from each batch of a segment to the next by
 * position in the segment, which shows where in the segment (at the capture, or after it) the
 * time goes.
 */
public final class AgentBenchmark {

    /** One agent option: a name, its config (null for the baseline) and its bar in percent. */
    public record Option(String name, AgentConfig config, double barPercent) {}

    /** The figures of one option. */
    public record Result(String name, double medianMsPerStep, double slowdownPercent, double[] roundSlowdownPercent,
                         double medianSetupMs, double medianFlushMs, double medianCaptureMsPerStep, double capturePercent,
                         double[] stepProfileMs, double barPercent, boolean meetsBar) {}

    private static final Option BASELINE = new Option("baseline", null, Double.NaN);

    private final int rounds;
    private final int warmupSteps;
    private final int segmentSteps;
    private final List<Option> options;
    private final List<Option> schedule;
    private final double[] segmentMsPerStep;
    private final double[] segmentSetupMs;
    private final double[] segmentFlushMs;
    private final double[] segmentCaptureMs;
    /** Per segment, the time from each batch to the next, by position in the segment. */
    private final double[][] segmentStepMs;
    private final DoubleSupplier captureSeconds;
    private final Consumer<String> progress;
    private final List<Result> results = new ArrayList<>();

    /**
     * @param captureSeconds the seconds agents have spent so far on the training thread, copying
     *                       factors and taking probe activations (a running total, read at segment
     *                       boundaries)
     */
    public AgentBenchmark(int rounds, int warmupSteps, int segmentSteps, List<Option> options, DoubleSupplier captureSeconds,
                          Consumer<String> progress) {
        if (rounds < 1 || segmentSteps < 2 || warmupSteps < 0 || options.isEmpty()) {
            throw new IllegalArgumentException(
                    "rounds must be positive, segments at least 2 steps, warm-up not negative, one option at least");
        }
        this.rounds = rounds;
        this.warmupSteps = warmupSteps;
        this.segmentSteps = segmentSteps;
        this.options = List.copyOf(options);
        this.schedule = schedule(rounds, this.options);
        this.segmentMsPerStep = new double[schedule.size()];
        this.segmentSetupMs = new double[schedule.size()];
        this.segmentFlushMs = new double[schedule.size()];
        this.segmentCaptureMs = new double[schedule.size()];
        this.segmentStepMs = new double[schedule.size()][segmentSteps];
        this.captureSeconds = captureSeconds;
        this.progress = progress;
    }

    /** Per round {@code B o1 B o2 ... B on} with the options rotated by the round, then a closing B. */
    static List<Option> schedule(int rounds, List<Option> options) {
        List<Option> s = new ArrayList<>();
        int n = options.size();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                s.add(BASELINE);
                s.add(options.get((k + r) % n));
            }
        }
        s.add(BASELINE);
        return List.copyOf(s);
    }

    /** Training steps the customisation must run for the whole schedule. */
    public int totalSteps() {
        return warmupSteps + schedule.size() * segmentSteps + 1;
    }

    /** The listener to attach to the customisation; it drives the schedule. */
    public TrainingListener listener(MonitoredModel model) {
        return new Schedule(model);
    }

    /** The results (the baseline's noise floor first), once the customisation ran {@link #totalSteps()} steps. */
    public List<Result> results() {
        return results;
    }

    private final class Schedule extends TrainingListenerAdapter {
        private final MonitoredModel model;
        private long step;
        private final Map<Option, StemmaAgent> agents = new HashMap<>();
        private StemmaAgent agent;
        private int segment = -1;
        private long segmentStart;
        private double captureAtStart;
        private long lastBatch;

        Schedule(MonitoredModel model) {
            this.model = model;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            long s = step++;
            long now = System.nanoTime();
            int position = s >= warmupSteps ? (int) ((s - warmupSteps) % segmentSteps) : -1;
            if (segment >= 0 && segment < schedule.size() && s > warmupSteps) {
                segmentStepMs[segment][(position + segmentSteps - 1) % segmentSteps] = (now - lastBatch) / 1e6;
            }
            if (position == 0) {
                if (segment >= 0) {
                    segmentMsPerStep[segment] = (now - segmentStart) / 1e6 / segmentSteps;
                    segmentCaptureMs[segment] = (captureSeconds.getAsDouble() - captureAtStart) * 1e3 / segmentSteps;
                    long f0 = System.nanoTime();
                    if (agent != null) {
                        agent.flush();
                    }
                    segmentFlushMs[segment] = (System.nanoTime() - f0) / 1e6;
                    progress.accept(String.format("segment %d/%d  %-34s %7.1f ms/step", segment + 1, schedule.size(),
                            schedule.get(segment).name(), segmentMsPerStep[segment]));
                    agent = null;
                }
                segment = (int) ((s - warmupSteps) / segmentSteps);
                if (segment < schedule.size()) {
                    Option current = schedule.get(segment);
                    long a0 = System.nanoTime();
                    if (current.config() != null) {
                        agent = agents.computeIfAbsent(current, o -> {
                            StemmaAgent a = StemmaAgent.from(o.config().withRunId("bench-agent-" + options.indexOf(o)), model);
                            a.start(trainer);
                            a.flush();
                            return a;
                        });
                    }
                    segmentSetupMs[segment] = (System.nanoTime() - a0) / 1e6;
                    captureAtStart = captureSeconds.getAsDouble();
                    segmentStart = System.nanoTime();
                    now = segmentStart;
                } else if (results.isEmpty()) {
                    agents.values().forEach(a -> a.onTrainingEnd(trainer));
                    results.addAll(summarise(schedule, segmentMsPerStep, segmentSetupMs, segmentFlushMs, segmentCaptureMs,
                            segmentStepMs));
                }
            }
            lastBatch = now;
            if (agent != null) {
                agent.onTrainingBatch(trainer, batchData);
            }
        }
    }

    /**
     * The figures from measured segments: each option segment against the mean of its neighbouring
     * baseline segments; each inner baseline segment against the mean of the baseline segments two
     * places before and after it (the noise floor of the same comparison).
     */
    static List<Result> summarise(List<Option> schedule, double[] msPerStep, double[] setupMs, double[] flushMs,
                                  double[] captureMsPerStep, double[][] stepMs) {
        List<Result> out = new ArrayList<>();
        List<Option> distinct = new ArrayList<>();
        distinct.add(BASELINE);
        schedule.stream().filter(o -> o != BASELINE).distinct().forEach(distinct::add);
        for (Option o : distinct) {
            List<Double> ratios = new ArrayList<>();
            List<Double> ms = new ArrayList<>();
            List<Double> setup = new ArrayList<>();
            List<Double> flush = new ArrayList<>();
            List<Double> capture = new ArrayList<>();
            List<Double> captureShares = new ArrayList<>();
            List<double[]> profiles = new ArrayList<>();
            int gap = o == BASELINE ? 2 : 1;
            for (int i = 0; i < schedule.size(); i++) {
                if (schedule.get(i) != o) {
                    continue;
                }
                ms.add(msPerStep[i]);
                setup.add(setupMs[i]);
                flush.add(flushMs[i]);
                capture.add(captureMsPerStep[i]);
                profiles.add(stepMs[i]);
                if (i - gap >= 0 && i + gap < schedule.size()) {
                    double neighbours = (msPerStep[i - gap] + msPerStep[i + gap]) / 2;
                    ratios.add(100.0 * (msPerStep[i] / neighbours - 1));
                    captureShares.add(100.0 * captureMsPerStep[i] / neighbours);
                }
            }
            double[] r = ratios.stream().mapToDouble(Double::doubleValue).toArray();
            double slowdown = median(r);
            double[] profile = new double[profiles.isEmpty() ? 0 : profiles.get(0).length];
            for (int j = 0; j < profile.length; j++) {
                final int position = j;
                profile[j] = median(profiles.stream().mapToDouble(p -> p[position]).toArray());
            }
            out.add(new Result(o.name(), median(ms), slowdown, r, median(setup), median(flush), median(capture),
                    median(captureShares), profile, o.barPercent(), Double.isNaN(o.barPercent()) || slowdown <= o.barPercent()));
        }
        return out;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
