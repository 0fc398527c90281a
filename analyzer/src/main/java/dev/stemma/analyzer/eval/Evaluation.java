package dev.stemma.analyzer.eval;

import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.metrics.BootstrapInterval;
import dev.stemma.analyzer.metrics.Metrics;
import dev.stemma.analyzer.replay.RunAnalysis;
import dev.stemma.analyzer.replay.RunReplay;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.BatchItem;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.trainer.data.ConceptFolders;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Scores every method on the same generated test set, in the prompt-known and content-only
 * settings (each only if the run recorded its conditioning), and picks each setting's default
 * with {@link DefaultMethodRule}. Works on any run of {@code stemma train}: main concepts and
 * micro-concepts are told apart by their number of training images, nothing else.
 */
public final class Evaluation {
    /** Confidence level of every interval. */
    static final double LEVEL = BootstrapInterval.DEFAULT_LEVEL;
    private static final int RESAMPLES = 1000;

    /** One setting's table. */
    public record SettingResult(String setting, String notRecorded, List<MethodResult> methods, String defaultMethod,
                                double replaySecondsPerImage) {
        public SettingResult {
            methods = List.copyOf(methods);
        }
    }

    /**
     * The whole evaluation.
     *
     * @param ldsCeiling mean over generations of {@link LinearDatamodeling#ceiling}: about the highest LDS
     *                   the loss measurement's noise leaves; null when the LDS was not measured
     */
    public record Result(RunManifest manifest, long finalStep, List<String> mainConcepts, List<String> microConcepts,
                         Map<TestImage.Kind, Integer> testImages, EvaluationConfig config, List<SettingResult> settings,
                         double generationSeconds, BootstrapInterval ldsCeiling) {
        public Result {
            mainConcepts = List.copyOf(mainConcepts);
            microConcepts = List.copyOf(microConcepts);
            testImages = Map.copyOf(testImages);
            settings = List.copyOf(settings);
        }
    }

    private Evaluation() {}

    /**
     * Where the evaluation finds what the store does not hold.
     *
     * @param base      the base model, overriding the run's (null keeps it)
     * @param dataSpec  the training data, overriding the run's (null keeps it)
     * @param judge     the fidelity judge whose penultimate layer is an embedding baseline (null: the
     *                  methods over it are left out, and the progress says so)
     * @param retrainer what retrains the customisation on halves for the LDS (null: only allowed
     *                  when {@link EvaluationConfig#ldsHalves()} is 0)
     */
    public record Sources(Path base, String dataSpec, Path judge, Retrainer retrainer) {
    }

    /** Runs the evaluation of {@code runId}. */
    public static Result run(TrajectoryStore store, String runId, Sources sources, EvaluationConfig config,
                             Consumer<String> progress) {
        Path base = sources.base();
        String dataSpec = sources.dataSpec();
        Path judge = sources.judge();
        if (config.ldsHalves() > 0 && sources.retrainer() == null) {
            throw new IllegalArgumentException("the LDS needs a retrainer");
        }
        if (judge == null) {
            List<String> withoutJudge = config.methods().stream()
                    .filter(m -> !RunAnalysis.JUDGE.equals(RunAnalysis.embeddingOf(m))).toList();
            if (withoutJudge.size() < config.methods().size()) {
                progress.accept("no fidelity judge given: the methods over its embedding are left out");
                if (withoutJudge.isEmpty()) {
                    throw new IllegalArgumentException("every method asked for needs a fidelity judge; give one");
                }
                config = config.withMethods(withoutJudge);
            }
        }
        if (!store.hasRun(runId)) {
            throw new IllegalArgumentException("unknown run '" + runId + "' in store " + store.directory() + " (runs: "
                    + String.join(", ", store.runs()) + ")");
        }
        StoredProbeTrajectories any = openAny(store, runId);
        TrainingSet set = any.trainingSet();
        List<String> main = new ArrayList<>();
        List<String> micro = new ArrayList<>();
        for (int c = 0; c < set.concepts().size(); c++) {
            (set.members(c).length > ConceptFolders.MAX_MICRO_SIZE ? main : micro).add(set.concepts().get(c));
        }
        if (main.size() < 2) {
            throw new IllegalArgumentException("run " + runId + " has " + main.size() + " concept(s) of more than "
                    + ConceptFolders.MAX_MICRO_SIZE + " images; the evaluation needs at least 2");
        }
        long finalStep;
        List<TestImage> tests;
        long began = System.nanoTime();
        Path baseDir;
        try (RunReplay replay = RunReplay.open(store, runId, base)) {
            baseDir = replay.baseDirectory();
            finalStep = replay.finalStep();
            replay.loadStep(finalStep);
            progress.accept("generating test images from run " + runId + " at step " + finalStep);
            tests = TestSet.generate(replay.model(), main, micro, config, progress);
        }
        double generationSeconds = (System.nanoTime() - began) / 1e9;
        Map<TestImage.Kind, Integer> counts = new java.util.EnumMap<>(TestImage.Kind.class);
        tests.forEach(t -> counts.merge(t.kind(), 1, Integer::sum));
        double[] exposure = exposure(store, runId, set);
        LinearDatamodeling lds = null;
        if (config.ldsHalves() > 0) {
            lds = LinearDatamodeling.measure(set, tests, config.ldsHalves(), config.seed(), baseDir, sources.retrainer(), progress);
        }
        List<SettingResult> settings = new ArrayList<>();
        for (boolean promptKnown : new boolean[] {true, false}) {
            settings.add(setting(store, runId, base, dataSpec, judge, config, promptKnown, tests, set, main, exposure, lds,
                    progress));
        }
        BootstrapInterval ldsCeiling = null;
        if (lds != null) {
            List<Double> ceilings = new ArrayList<>();
            for (int i = 0; i < tests.size(); i++) {
                double c = lds.ceiling(i);
                if (!Double.isNaN(c)) {
                    ceilings.add(c);
                }
            }
            ldsCeiling = mean(ceilings, config.seed());
        }
        return new Result(any.manifest(), finalStep, main, micro, counts, config, settings, generationSeconds, ldsCeiling);
    }

    private static SettingResult setting(TrajectoryStore store, String runId, Path base, String dataSpec, Path judge,
                                         EvaluationConfig config,
                                         boolean promptKnown, List<TestImage> tests, TrainingSet set, List<String> main,
                                         double[] exposure, LinearDatamodeling lds, Consumer<String> progress) {
        String name = promptKnown ? "prompt-known" : "content-only";
        Conditioning cond = promptKnown ? Conditioning.OWN_TOKEN : Conditioning.NULL_TOKEN;
        if (!store.activationSeries(runId).stream().anyMatch(s -> s.conditioning() == cond)) {
            progress.accept(name + ": the run recorded no probes under " + cond + "; skipped (train --conditioning both)");
            return new SettingResult(name, "the run recorded no probe activations under " + cond
                    + " conditioning (train with --conditioning both)", List.of(), null, Double.NaN);
        }
        progress.accept(name + ": replaying " + tests.size() + " test images");
        long began = System.nanoTime();
        List<Query> queries;
        float[][] pixels = tests.stream().map(TestImage::pixels).toArray(float[][]::new);
        float[][] conditions = tests.stream().map(TestImage::condition).toArray(float[][]::new);
        // One replay for every method but the gradient ones: trajectories, final activations, pixels, judge features.
        List<String> replayed = new ArrayList<>(List.of(dev.stemma.analyzer.Analyzer.TRAJECTORY_COSINE));
        if (judge != null) {
            replayed.add(dev.stemma.analyzer.Analyzer.KNN_EXACT + RunAnalysis.JUDGE);
        }
        RunAnalysis.Options prep = new RunAnalysis.Options(runId, promptKnown, replayed, base, dataSpec, config.representation(),
                judge);
        try (RunAnalysis analysis = RunAnalysis.open(store, prep, progress)) {
            queries = analysis.queriesUnder(pixels, conditions);
        }
        double replaySeconds = (System.nanoTime() - began) / 1e9 / tests.size();
        List<MethodResult> results = new ArrayList<>();
        for (List<String> family : families(config.methods())) {
            progress.accept(name + ": " + String.join(", ", family));
            resetPeaks();
            long t0 = System.nanoTime();
            RunAnalysis.Options options = new RunAnalysis.Options(runId, promptKnown, family, base, dataSpec,
                    config.representation(), judge);
            try (RunAnalysis analysis = RunAnalysis.open(store, options, progress)) {
                double buildSeconds = (System.nanoTime() - t0) / 1e9;
                long q0 = System.nanoTime();
                // Gradient methods need each query's own gradients, token-likelihood its token gains,
                // computed by the family's analysis; the others read the trajectories and embeddings
                // replayed once above.
                List<Query> familyQueries = needsOwnQueries(family) ? analysis.queriesUnder(pixels, conditions) : queries;
                double queryMillis = needsOwnQueries(family) ? (System.nanoTime() - q0) / 1e6 / tests.size() : 0;
                for (String method : family) {
                    long t1 = System.nanoTime();
                    List<Attribution> answers = new ArrayList<>(familyQueries.size());
                    for (Query q : familyQueries) {
                        answers.add(analysis.analyzer().attribute(method, q));
                    }
                    long t2 = System.nanoTime();
                    results.add(score(method, answers, tests, set, main, exposure, lds, buildSeconds,
                            queryMillis + (t2 - t1) / 1e6 / familyQueries.size(), peakHeapMiB(), config.seed()));
                }
            }
        }
        String chosen = DefaultMethodRule.choose(results).map(MethodResult::method).orElse(null);
        return new SettingResult(name, null, results, chosen, replaySeconds);
    }

    /**
     * Methods grouped by what they are built from, in first-appearance order: one build serves a
     * group (a method and its random control share the gradients or trajectories they read).
     */
    static List<List<String>> families(List<String> methods) {
        Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
        for (String m : methods) {
            String key = RunAnalysis.usesTrajectories(m) ? "trajectories"
                    : RunAnalysis.usesGradients(m) ? "gradients"
                    : RunAnalysis.usesTokenGains(m) ? "token-gains"
                    : RunAnalysis.embeddingOf(m);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
        }
        return List.copyOf(groups.values());
    }

    private static boolean needsOwnQueries(List<String> family) {
        return family.stream().anyMatch(m -> RunAnalysis.usesGradients(m) || RunAnalysis.usesTokenGains(m));
    }

    static MethodResult score(String method, List<Attribution> answers, List<TestImage> tests, TrainingSet set,
                              List<String> main, double[] exposure, LinearDatamodeling lds, double buildSeconds,
                              double millisPerImage, double peakHeapMiB, long seed) {
        List<Double> top1 = new ArrayList<>();
        List<Double> mixCos = new ArrayList<>();
        List<Double> mixRho = new ArrayList<>();
        List<Double> r1 = new ArrayList<>();
        List<Double> r5 = new ArrayList<>();
        List<Double> r10 = new ArrayList<>();
        List<Double> ap = new ArrayList<>();
        List<Double> ldsScores = new ArrayList<>();
        List<Double> controlLow = new ArrayList<>();
        List<Double> controlShare = new ArrayList<>();
        List<Double> genuineLow = new ArrayList<>();
        double[] scoreSum = new double[set.size()];
        int[] scoreCount = new int[set.size()];
        for (int i = 0; i < tests.size(); i++) {
            TestImage t = tests.get(i);
            Attribution a = answers.get(i);
            switch (t.kind()) {
                case SINGLE -> {
                    double[] r = restricted(a, main);
                    top1.add(argmax(r) == argmax(t.truth()) ? 1.0 : 0.0);
                    genuineLow.add(a.confidence().low() ? 1.0 : 0.0);
                }
                case MIX -> {
                    double[] r = restricted(a, main);
                    mixCos.add(Metrics.shiftedCosine(r, t.truth()));
                    mixRho.add(Metrics.spearman(r, t.truth()));
                }
                case MICRO -> {
                    int[] ranking = a.ranking();
                    Set<Integer> exemplars = new HashSet<>();
                    for (int m : set.members(set.concepts().indexOf(t.token()))) {
                        exemplars.add(m);
                    }
                    r1.add(Metrics.recallAtK(ranking, exemplars, 1));
                    r5.add(Metrics.recallAtK(ranking, exemplars, 5));
                    r10.add(Metrics.recallAtK(ranking, exemplars, 10));
                    ap.add(Metrics.averagePrecision(ranking, exemplars));
                }
                case BLANK, NOISE -> {
                    controlLow.add(a.confidence().low() ? 1.0 : 0.0);
                    controlShare.add(a.share(t.token()));
                }
                default -> throw new IllegalStateException(t.kind().toString());
            }
            if (lds != null && !t.kind().control()) {
                double value = lds.score(i, a.imageScores());
                if (!Double.isNaN(value)) {
                    ldsScores.add(value);
                }
            }
            if (!t.kind().control()) {
                float[] s = a.imageScores();
                for (int j = 0; j < s.length; j++) {
                    if (!Float.isNaN(s[j])) {
                        scoreSum[j] += s[j];
                        scoreCount[j]++;
                    }
                }
            }
        }
        double[] meanScore = new double[set.size()];
        for (int j = 0; j < meanScore.length; j++) {
            meanScore[j] = scoreCount[j] == 0 ? 0 : scoreSum[j] / scoreCount[j];
        }
        return new MethodResult(method, MethodResult.Role.of(method), mean(top1, seed), mean(mixCos, seed), mean(mixRho, seed),
                mean(r1, seed), mean(r5, seed), mean(r10, seed), mean(ap, seed), mean(ldsScores, seed), mean(controlLow, seed),
                mean(controlShare, seed), mean(genuineLow, seed), Metrics.spearman(meanScore, exposure), buildSeconds,
                millisPerImage, peakHeapMiB);
    }

    /** Shares of the main concepts only, renormalised: micro-concepts answer the within-concept question. */
    private static double[] restricted(Attribution a, List<String> main) {
        double[] r = new double[main.size()];
        double sum = 0;
        for (int c = 0; c < r.length; c++) {
            r[c] = a.share(main.get(c));
            sum += r[c];
        }
        for (int c = 0; c < r.length; c++) {
            r[c] = sum > 0 ? r[c] / sum : 1.0 / r.length;
        }
        return r;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static BootstrapInterval mean(List<Double> values, long seed) {
        if (values.isEmpty()) {
            return null;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return BootstrapInterval.of(v, x -> java.util.Arrays.stream(x).average().orElseThrow(), RESAMPLES, LEVEL, seed);
    }

    /** How many times each training image was in a batch, from the recorded batches. */
    static double[] exposure(TrajectoryStore store, String runId, TrainingSet set) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < set.size(); i++) {
            index.put(set.items().get(i).id(), i);
        }
        double[] counts = new double[set.size()];
        try (StoreIterator<StepSnapshot> it = store.metrics(runId, 0, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                for (BatchItem b : it.next().batch()) {
                    Integer i = index.get(b.imageId());
                    if (i != null) {
                        counts[i]++;
                    }
                }
            }
        }
        return counts;
    }

    private static StoredProbeTrajectories openAny(TrajectoryStore store, String runId) {
        try {
            return StoredProbeTrajectories.open(store, runId, Conditioning.NULL_TOKEN);
        } catch (IllegalArgumentException e) {
            return StoredProbeTrajectories.open(store, runId, Conditioning.OWN_TOKEN);
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static double peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / (1024.0 * 1024.0);
    }
}
