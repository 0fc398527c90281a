package dev.stemma.analyzer.replay;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.GradientConfig;
import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.gradient.GradientReplayConfig;
import dev.stemma.analyzer.gradient.ReplayedGradients;
import dev.stemma.analyzer.gradient.StoredWeightUpdates;
import dev.stemma.trainer.FidelityJudge;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.ProbeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything needed to attribute images against one recorded run in one setting: the recorded
 * trajectories under the matching conditioning, the replayed model, the training images' pixels,
 * and an {@link Analyzer} holding the requested methods. Turns images into {@link Query queries}
 * that carry what those methods read.
 *
 * <p>Settings: content-only replays an image with the null token and compares it with the
 * training images recorded under the null token; prompt-known replays it with its concept's
 * token and compares with the training images recorded under their own tokens.
 */
public final class RunAnalysis implements AutoCloseable {
    /** Embedding of raw pixels. */
    public static final String PIXELS = "pixels";
    /** Embedding of the activations at the last recorded step (the final model's view). */
    public static final String FINAL_ACTIVATIONS = "final-activations";
    /** The embedding by which token-likelihood ranks a concept's images ({@code Analyzer.Builder#tokenGains}). */
    private static final String TOKEN_LIKELIHOOD_RANKING = FINAL_ACTIVATIONS;
    /** Embedding of the fidelity judge's penultimate layer (a classifier's view; needs {@link Options#judge()}). */
    public static final String JUDGE = "judge";

    private static final List<String> EMBEDDINGS = List.of(PIXELS, FINAL_ACTIVATIONS, JUDGE);
    private static final List<String> TRAJECTORY_METHODS = List.of(Analyzer.TRAJECTORY_COSINE, Analyzer.TRAJECTORY_COSINE_RANDOM,
            Analyzer.CONCEPT_SUBSPACE, Analyzer.CONCEPT_SUBSPACE_RANDOM);
    private static final List<String> GRADIENT_METHODS = List.of(Analyzer.WEIGHT_SUBSPACE, Analyzer.WEIGHT_SUBSPACE_RANDOM,
            Analyzer.TRAK, Analyzer.TRACIN);

    /**
     * What to build: the run, the setting and the methods' sources.
     *
     * @param base     the base model directory, or null for the one the run's manifest names
     * @param dataSpec the training data, or null for the one the run's manifest names
     * @param judge    the fidelity judge whose penultimate layer the {@value #JUDGE} embedding
     *                 uses, or null (then methods over that embedding are refused)
     */
    public record Options(String runId, boolean promptKnown, List<String> methods, Path base, String dataSpec,
                          RepresentationConfig representation, Path judge) {
        public Options {
            Objects.requireNonNull(runId, "run");
            methods = List.copyOf(methods);
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("no method given");
            }
            Objects.requireNonNull(representation, "representation config");
        }

        boolean needsTrajectories() {
            return methods.stream().anyMatch(RunAnalysis::usesTrajectories);
        }

        boolean needsEmbedding(String embedding) {
            return methods.stream().anyMatch(m -> embedding.equals(embeddingOf(m))
                    || TOKEN_LIKELIHOOD_RANKING.equals(embedding) && usesTokenGains(m));
        }

        boolean needsGradients() {
            return methods.stream().anyMatch(RunAnalysis::usesGradients);
        }

        boolean needsTokenGains() {
            return methods.stream().anyMatch(RunAnalysis::usesTokenGains);
        }
    }

    private final Options options;
    private final StoredProbeTrajectories recorded;
    private final RunReplay replay;
    private final Analyzer analyzer;
    private final Consumer<String> progress;
    private final GradientSide gradients;
    private final FidelityJudge judge;

    /** The gradient methods' replay: its own model (it sets checkpoint states) and the training gradients. */
    private record GradientSide(StemmaModel model, ReplayedGradients reader) {
    }

    private RunAnalysis(Options options, StoredProbeTrajectories recorded, RunReplay replay, Analyzer analyzer,
                        Consumer<String> progress, GradientSide gradients, FidelityJudge judge) {
        this.judge = judge;
        this.options = options;
        this.recorded = recorded;
        this.replay = replay;
        this.analyzer = analyzer;
        this.progress = progress;
        this.gradients = gradients;
    }

    /**
     * Opens the run, checks the methods are known, and builds them (subspaces, indexes,
     * calibration). Progress lines go to {@code progress}.
     */
    public static RunAnalysis open(TrajectoryStore store, Options options, Consumer<String> progress) {
        for (String m : options.methods()) {
            if (!isKnown(m)) {
                throw new IllegalArgumentException("unknown method '" + m + "'; known: " + String.join(", ", knownMethods()));
            }
        }
        if (!store.hasRun(options.runId())) {
            throw new IllegalArgumentException("unknown run '" + options.runId() + "' in store " + store.directory()
                    + " (runs: " + String.join(", ", store.runs()) + ")");
        }
        Conditioning cond = options.promptKnown() ? Conditioning.OWN_TOKEN : Conditioning.NULL_TOKEN;
        StoredProbeTrajectories recorded = StoredProbeTrajectories.open(store, options.runId(), cond);
        RunReplay replay = RunReplay.open(store, options.runId(), options.base());
        GradientSide gradients = null;
        FidelityJudge judge = null;
        try {
            Analyzer.Builder builder = Analyzer.builder(options.runId(), recorded.trainingSet()).only(options.methods());
            if (options.needsTrajectories()) {
                progress.accept("building the trajectory subspaces of " + recorded.trainingSet().size() + " training images x "
                        + recorded.steps() + " recorded steps x " + recorded.channels().size() + " channels");
                builder.representationTrajectories(recorded, options.representation());
            }
            float[][] pixels = options.needsEmbedding(PIXELS) || options.needsEmbedding(JUDGE)
                    ? trainingPixels(recorded, replay, options.dataSpec()) : null;
            if (options.needsEmbedding(PIXELS)) {
                builder.embedding(PIXELS, pixels);
            }
            if (options.needsEmbedding(JUDGE)) {
                judge = openJudge(options);
                builder.embedding(JUDGE, judgeFeatures(judge, options, pixels));
            }
            if (options.needsEmbedding(FINAL_ACTIVATIONS)) {
                float[][] finals = new float[recorded.trainingSet().size()][];
                recorded.forEachItem((i, t) -> finals[i] = lastStep(t));
                builder.embedding(FINAL_ACTIVATIONS, finals);
            }
            if (options.needsTokenGains()) {
                replay.loadStep(replay.finalStep());
                progress.accept("token gains of " + recorded.trainingSet().size() + " training images under the finished model");
                builder.tokenGains(TokenGains.of(replay.model(), trainingPixels(recorded, replay, options.dataSpec()),
                        recorded.trainingSet().concepts(), progress), TOKEN_LIKELIHOOD_RANKING);
            }
            if (options.needsGradients()) {
                StemmaModel model = replay.newModel();
                List<String> ids = recorded.trainingSet().items().stream().map(TrainingItem::id).toList();
                List<String> concepts = recorded.trainingSet().items().stream().map(TrainingItem::concept).toList();
                progress.accept("replaying the per-example gradients of " + ids.size() + " training images");
                ReplayedGradients reader = ReplayedGradients.replay(store, options.runId(), model, ids,
                        trainingPixels(recorded, replay, options.dataSpec()), concepts,
                        GradientReplayConfig.defaults().withConditioning(cond), progress);
                gradients = new GradientSide(model, reader);
                builder.gradients(reader, StoredWeightUpdates.open(store, options.runId(), reader.layout(), 1),
                        GradientConfig.defaults(), options.methods().contains(Analyzer.TRACIN));
            }
            return new RunAnalysis(options, recorded, replay, builder.build(), progress, gradients, judge);
        } catch (RuntimeException e) {
            if (gradients != null) {
                gradients.model().close();
            }
            if (judge != null) {
                judge.close();
            }
            replay.close();
            throw e;
        }
    }

    private static FidelityJudge openJudge(Options options) {
        if (options.judge() == null) {
            throw new IllegalArgumentException("the " + JUDGE + " embedding needs a fidelity judge (--judge DIR)");
        }
        if (!Files.isRegularFile(options.judge().resolve("judge.json"))) {
            throw new IllegalArgumentException("no fidelity judge in " + options.judge() + " (judge.json is missing; "
                    + "`stemma judge --out DIR` trains one)");
        }
        return FidelityJudge.load(options.judge());
    }

    private static float[][] judgeFeatures(FidelityJudge judge, Options options, float[][] images) {
        try {
            return judge.features(images);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("judge " + options.judge() + " does not fit this run's images: " + e.getMessage(), e);
        }
    }

    /** Method names this class can build, families with ':' completed by their embedding. */
    public static List<String> knownMethods() {
        List<String> out = new ArrayList<>(TRAJECTORY_METHODS);
        out.addAll(GRADIENT_METHODS);
        out.add(Analyzer.TOKEN_LIKELIHOOD);
        for (String e : EMBEDDINGS) {
            out.add(Analyzer.EMBEDDING_COSINE + e);
            out.add(Analyzer.KNN_EXACT + e);
            out.add(Analyzer.KNN_HNSW + e);
            out.add(Analyzer.CONCEPT_SUBSPACE + ":" + e);
        }
        return Collections.unmodifiableList(out);
    }

    /** Whether {@code method} reads replayed trajectories. */
    public static boolean usesTrajectories(String method) {
        return TRAJECTORY_METHODS.contains(method);
    }

    /** Whether {@code method} reads per-example gradients (its queries need a gradient replay of their own). */
    public static boolean usesGradients(String method) {
        return GRADIENT_METHODS.contains(method);
    }

    /** Whether {@code method} reads token gains under the finished model (its queries need them computed). */
    public static boolean usesTokenGains(String method) {
        return Analyzer.TOKEN_LIKELIHOOD.equals(method);
    }

    /** The embedding {@code method} reads ({@code knn-exact:pixels} reads {@code pixels}), or null. */
    public static String embeddingOf(String method) {
        int colon = method.indexOf(':');
        return colon < 0 ? null : method.substring(colon + 1);
    }

    private static boolean isKnown(String method) {
        return knownMethods().contains(method);
    }

    /** The analyzer with the requested methods. */
    public Analyzer analyzer() {
        return analyzer;
    }

    /** The recorded trajectories this analysis compares with. */
    public StoredProbeTrajectories recorded() {
        return recorded;
    }

    /** The replayed model. */
    public RunReplay replay() {
        return replay;
    }

    /** The run's concepts. */
    public List<String> concepts() {
        return recorded.manifest().concepts();
    }

    /**
     * Queries for new images (CHW pixels in [-1, 1]); {@code prompts[i]} is the concept image i
     * was generated with, used in the prompt-known setting (ignored content-only).
     */
    public List<Query> queries(float[][] images, List<String> prompts) {
        float[][] conditions = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            String prompt = prompts == null ? null : prompts.get(i);
            if (options.promptKnown()) {
                if (prompt == null) {
                    throw new IllegalArgumentException("the prompt-known setting needs each image's concept");
                }
                if (!concepts().contains(prompt)) {
                    throw new IllegalArgumentException("concept '" + prompt + "' is not one of run " + options.runId()
                            + "'s: " + concepts());
                }
                conditions[i] = replay.model().condition(prompt);
            }
        }
        return queriesUnder(images, conditions);
    }

    /**
     * Queries for new images generated under known conditioning weights (a mix of concept tokens,
     * {@link dev.stemma.trainer.StemmaModel#mix}): replayed under them in the prompt-known setting,
     * under the null token content-only.
     */
    public List<Query> queriesUnder(float[][] images, float[][] conditions) {
        int n = images.length;
        float[][] replayConditions = new float[n][];
        for (int i = 0; i < n; i++) {
            replayConditions[i] = options.promptKnown() ? conditions[i] : replay.model().nullCondition();
        }
        List<Trajectory> trajectories = null;
        if (options.needsTrajectories()) {
            trajectories = replayTrajectories(images, replayConditions);
        } else if (options.needsEmbedding(FINAL_ACTIVATIONS)) {
            trajectories = replay.trajectories(images, replayConditions, new int[n], recorded.channelList(),
                    recorded.stepGrid().last(), progress);
        }
        List<float[][]> queryGradients = gradients == null ? null : gradients.reader().gradientsUnder(images, replayConditions);
        float[][] tokenGains = null;
        if (options.needsTokenGains()) {
            replay.loadStep(replay.finalStep()); // the trajectories above moved it through the recorded steps
            tokenGains = TokenGains.of(replay.model(), images, recorded.trainingSet().concepts(), progress);
        }
        float[][] judged = judge == null ? null : judgeFeatures(judge, options, images);
        List<Query> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Query q = Query.empty();
            if (queryGradients != null) {
                q = q.withGradients(queryGradients.get(i));
            }
            if (trajectories != null) {
                Trajectory t = trajectories.get(i);
                if (options.needsTrajectories()) {
                    q = q.withTrajectory(t);
                }
                q = q.withEmbedding(FINAL_ACTIVATIONS, lastStep(t));
            }
            q = q.withEmbedding(PIXELS, images[i]);
            if (judged != null) {
                q = q.withEmbedding(JUDGE, judged[i]);
            }
            if (tokenGains != null) {
                q = q.withEmbedding(Analyzer.TOKEN_GAINS, tokenGains[i]);
            }
            out.add(q);
        }
        return out;
    }

    /**
     * The trajectories of images over every recorded step under the given conditioning weights (the
     * setting's: null token content-only), whatever the methods need: what the report draws.
     */
    public List<Trajectory> replayTrajectories(float[][] images, float[][] conditions) {
        return replay.trajectories(images, conditions, new int[images.length], recorded.channelList(),
                recorded.stepGrid(), progress);
    }

    /** The conditioning weights replay uses in this setting for an image generated under {@code condition}. */
    public float[] replayCondition(float[] condition) {
        return options.promptKnown() ? condition : replay.model().nullCondition();
    }

    /** The query of a probe the run recorded (e.g. a probe generation): its stored trajectory. */
    public Query recordedProbe(int probeId) {
        ProbeSpec spec = recorded.manifest().probe(probeId);
        if (spec == null) {
            throw new IllegalArgumentException("run " + options.runId() + " has no probe " + probeId);
        }
        Trajectory t = recorded.trajectoryOf(probeId);
        return Query.empty().withTrajectory(t).withEmbedding(FINAL_ACTIVATIONS, lastStep(t));
    }

    /**
     * The image's trajectory against its concepts': for each concept, the cosine, step by step,
     * between the image's drift since the first recorded step and the concept's mean drift (all
     * channels concatenated), both centred on the concepts' average drift. What the report draws.
     */
    public java.util.Map<String, double[]> driftAgainstConcepts(Trajectory query) {
        double[][][] means = conceptMeanDrift();
        java.util.Map<String, double[]> out = new java.util.LinkedHashMap<>();
        double[][] q = drift(query);
        List<String> names = recorded.trainingSet().concepts();
        // Every concept drifts along a common direction; centring on the concepts' average shows what tells them apart.
        double[][] centre = new double[q.length][q[0].length];
        for (double[][] m : means) {
            for (int k = 0; k < q.length; k++) {
                for (int j = 0; j < q[k].length; j++) {
                    centre[k][j] += m[k][j] / means.length;
                }
            }
        }
        for (int c = 0; c < names.size(); c++) {
            double[] curve = new double[q.length];
            for (int k = 0; k < q.length; k++) {
                curve[k] = cosine(minus(q[k], centre[k]), minus(means[c][k], centre[k]));
            }
            out.put(names.get(c), curve);
        }
        return out;
    }

    private double[][][] conceptMeans;

    private synchronized double[][][] conceptMeanDrift() {
        if (conceptMeans == null) {
            int concepts = recorded.trainingSet().concepts().size();
            double[][][] sums = new double[concepts][][];
            int[] counts = new int[concepts];
            recorded.forEachItem((i, t) -> {
                int c = recorded.trainingSet().conceptOf(i);
                double[][] d = drift(t);
                if (sums[c] == null) {
                    sums[c] = new double[d.length][d[0].length];
                }
                for (int k = 0; k < d.length; k++) {
                    for (int j = 0; j < d[k].length; j++) {
                        sums[c][k][j] += d[k][j];
                    }
                }
                counts[c]++;
            });
            for (int c = 0; c < concepts; c++) {
                for (double[] row : sums[c]) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] /= counts[c];
                    }
                }
            }
            conceptMeans = sums;
        }
        return conceptMeans;
    }

    /** r(t_k) - r(t_0) over all channels, per step. */
    private static double[][] drift(Trajectory t) {
        float[] first = stepVector(t, 0);
        double[][] out = new double[t.steps()][];
        for (int k = 0; k < t.steps(); k++) {
            float[] v = stepVector(t, k);
            double[] d = new double[v.length];
            for (int j = 0; j < v.length; j++) {
                d[j] = v[j] - first[j];
            }
            out[k] = d;
        }
        return out;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            d[j] = a[j] - b[j];
        }
        return d;
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private float[][] pixelsOfTraining;

    /**
     * The training images' pixels in training-set order, read from the run's dataset (or the one
     * the options name).
     *
     * @throws IllegalArgumentException if the dataset is not where the run recorded it
     */
    public synchronized float[][] trainingImagePixels() {
        if (pixelsOfTraining == null) {
            pixelsOfTraining = trainingPixels(recorded, replay, options.dataSpec());
        }
        return pixelsOfTraining;
    }

    private static float[][] trainingPixels(StoredProbeTrajectories recorded, RunReplay replay, String dataSpec) {
        String spec = dataSpec != null ? dataSpec : RunTrainingImages.datasetSpec(recorded.manifest());
        List<String> ids = recorded.trainingSet().items().stream().map(it -> it.id()).toList();
        return RunTrainingImages.pixels(spec, ids, replay.model().config().imageChannels());
    }

    /** The vectors of a trajectory's last step, all channels concatenated. */
    static float[] lastStep(Trajectory t) {
        return stepVector(t, t.steps() - 1);
    }

    private static float[] stepVector(Trajectory t, int step) {
        int total = 0;
        for (int c = 0; c < t.channels(); c++) {
            total += t.dimension(c);
        }
        float[] out = new float[total];
        int at = 0;
        for (int c = 0; c < t.channels(); c++) {
            float[] v = t.values()[c][step];
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    @Override
    public void close() {
        if (gradients != null) {
            gradients.model().close();
        }
        if (judge != null) {
            judge.close();
        }
        replay.close();
    }
}
