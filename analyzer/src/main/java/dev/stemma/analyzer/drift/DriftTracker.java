package dev.stemma.analyzer.drift;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.TrainingSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Follows one run's attribution drift: at each checkpoint ({@link CheckpointPlan}) it builds the
 * {@value Analyzer#TRAJECTORY_COSINE} method over the steps recorded up to the checkpoint only and
 * attributes every probe generation with its trajectory cut at the same step; a checkpoint is the
 * mean shares per generated concept. {@link #update} computes what is missing (the latest answer
 * when steps arrived, then the checkpoints not computed yet) and keeps the rest.
 *
 * <p>One thread at a time: the caller's refresh loop. The {@link Drift} it returns is immutable
 * and may be handed to other threads.
 */
public final class DriftTracker {

    private final String runId;
    private final DriftConfig config;
    private final TreeMap<Integer, Drift.Checkpoint> fixed = new TreeMap<>(); // by count of recorded steps
    private Drift.Checkpoint latestPoint;
    private List<Drift.Answer> latestAnswers = List.of();
    private List<String> concepts = List.of();
    private List<String> generatedConcepts = List.of();
    private long[] steps = new long[0];
    private int builds;

    public DriftTracker(String runId, DriftConfig config) {
        this.runId = Objects.requireNonNull(runId, "run id");
        this.config = Objects.requireNonNull(config, "drift config");
    }

    /** Brings the drift up to what {@code run} has recorded, computing every missing checkpoint. */
    public Drift update(RecordedRun run) {
        return update(run, () -> false);
    }

    /**
     * Brings the drift up to what {@code run} has recorded: first the latest answer if steps arrived,
     * then the missing checkpoints in step order, asking {@code stop} before each after the first;
     * what is left is computed by the next call. Checkpoints computed before are kept as long as the
     * steps they used are still the first recorded steps (a store rewritten under the same run id
     * starts the drift over).
     */
    public Drift update(RecordedRun run, BooleanSupplier stop) {
        long[] recorded = run.recordedSteps();
        if (!startsWith(recorded, steps)) {
            fixed.clear();
            latestPoint = null;
            latestAnswers = List.of();
        }
        steps = recorded;
        TrainingSet set = run.trainingSet();
        concepts = set.concepts();
        List<RecordedRun.Generation> generations = run.generations();
        LinkedHashSet<String> generated = new LinkedHashSet<>();
        generations.forEach(g -> generated.add(g.concept()));
        generatedConcepts = List.copyOf(generated);
        int n = recorded.length;
        if (n < 2 || generations.isEmpty()) {
            return drift();
        }
        if (latestPoint == null || latestPoint.recordedSteps() != n) {
            List<Drift.Answer> answers = new ArrayList<>();
            latestPoint = checkpoint(run, n, answers);
            latestAnswers = List.copyOf(answers);
        }
        int[] plan = CheckpointPlan.fixed(n, config.checkpoints());
        fixed.keySet().retainAll(Arrays.stream(plan).boxed().toList());
        boolean computed = false;
        for (int count : plan) {
            if (fixed.containsKey(count)) {
                continue;
            }
            if (count == n) {
                fixed.put(count, latestPoint);
                continue;
            }
            if (computed && stop.getAsBoolean()) {
                break;
            }
            fixed.put(count, checkpoint(run, count, null));
            computed = true;
        }
        return drift();
    }

    /** The drift as computed so far. */
    public Drift drift() {
        List<Drift.Checkpoint> points = new ArrayList<>(fixed.values());
        if (latestPoint != null && (points.isEmpty() || points.get(points.size() - 1) != latestPoint)) {
            points.add(latestPoint);
        }
        int planned = latestPoint == null ? 0 : CheckpointPlan.all(steps.length, config.checkpoints()).length;
        return new Drift(runId, Analyzer.TRAJECTORY_COSINE, concepts, generatedConcepts, steps.length,
                steps.length == 0 ? -1 : steps[steps.length - 1], points, planned - points.size(), latestAnswers);
    }

    /** How many times the method was built (one per checkpoint computed): what incremental updates save. */
    public int builds() {
        return builds;
    }

    /** Attributes every generation over the first {@code count} steps; adds the answers to {@code answers} if given. */
    private Drift.Checkpoint checkpoint(RecordedRun run, int count, List<Drift.Answer> answers) {
        TrainingSet set = run.trainingSet();
        Analyzer analyzer = Analyzer.builder(runId, set).only(java.util.List.of(Analyzer.TRAJECTORY_COSINE))
                .representationTrajectories(run.training(count), config.representation())
                .build();
        builds++;
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, double[]> confidence = new LinkedHashMap<>(); // {sum, count}
        for (RecordedRun.Generation g : run.generations()) {
            Attribution a = analyzer.attribute(Analyzer.TRAJECTORY_COSINE,
                    Query.empty().withTrajectory(run.generation(g, count)));
            double[] shares = a.shares();
            double[] sum = sums.computeIfAbsent(g.concept(), c -> new double[shares.length]);
            for (int c = 0; c < shares.length; c++) {
                sum[c] += shares[c];
            }
            double[] conf = confidence.computeIfAbsent(g.concept(), c -> new double[2]);
            conf[0] += a.confidence().value();
            conf[1]++;
            if (answers != null) {
                answers.add(new Drift.Answer(g, a));
            }
        }
        Map<String, Drift.MeanShares> means = new LinkedHashMap<>();
        sums.forEach((concept, sum) -> {
            double k = confidence.get(concept)[1];
            double[] mean = new double[sum.length];
            for (int c = 0; c < sum.length; c++) {
                mean[c] = sum[c] / k;
            }
            means.put(concept, new Drift.MeanShares((int) k, mean, confidence.get(concept)[0] / k));
        });
        return new Drift.Checkpoint(steps[count - 1], count, means);
    }

    private static boolean startsWith(long[] steps, long[] prefix) {
        if (prefix.length > steps.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (steps[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
