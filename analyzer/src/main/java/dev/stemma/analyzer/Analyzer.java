package dev.stemma.analyzer;

import dev.stemma.analyzer.linalg.ColumnBlockSource;
import dev.stemma.analyzer.linalg.CountSketch;
import dev.stemma.analyzer.linalg.RandomSubspace;
import dev.stemma.analyzer.linalg.StepGramSubspaces;
import dev.stemma.analyzer.linalg.Subspace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The analyzer's entry point: every attribution method that a run's recordings allow, by name,
 * over one training set.
 *
 * <pre>{@code
 * Analyzer analyzer = Analyzer.builder("run-1", trainingSet)
 *         .representationTrajectories(trajectoryReader, RepresentationConfig.defaults())
 *         .embedding("pixels", pixelVectors)
 *         .gradients(gradientReader, loraUpdates, GradientConfig.defaults())
 *         .build();
 * Attribution a = analyzer.attribute("trajectory-cosine", Query.empty().withTrajectory(t));
 * }</pre>
 *
 * <p>Methods and the names they are registered under:
 * <ul>
 *   <li>{@value #TRAJECTORY_COSINE}, {@value #TRAJECTORY_COSINE_RANDOM}: representation
 *       increments projected on the top-k subspace of all training increments (per channel),
 *       or on a random subspace of the same rank (the control);</li>
 *   <li>{@value #CONCEPT_SUBSPACE}, {@value #CONCEPT_SUBSPACE_RANDOM}: the same projected
 *       trajectories, scored by the projection energy of the query in each concept's own
 *       subspace ({@link ConceptSubspaceScorer}); {@code concept-subspace:NAME} does the same in
 *       every embedding given;</li>
 *   <li>{@code embedding-cosine:NAME}, {@code knn-exact:NAME}, {@code knn-hnsw:NAME} for every
 *       embedding given (e.g. {@code pixels}, {@code final-activations}): centred cosine over
 *       all training images, and k nearest neighbours voting, exact and HNSW;</li>
 *   <li>{@value #TRACIN}: full-gradient cosine over checkpoints; {@value #TRAK}: the ridge
 *       regression of the query's count-sketched gradients on the training images', summed over
 *       checkpoints ({@link GradientKernelScorer}); {@value #WEIGHT_SUBSPACE},
 *       {@value #WEIGHT_SUBSPACE_RANDOM}: gradients projected on the top-k directions of the
 *       recorded LoRA updates, or on a random subspace, cosine over checkpoints;</li>
 *   <li>{@value #TOKEN_LIKELIHOOD}: which concept's token best explains the image under the
 *       finished model ({@link TokenLikelihoodScorer}; queries carry {@value #TOKEN_GAINS}).</li>
 * </ul>
 * Every method shares the same concept-share and confidence rules ({@link SharesConfig}),
 * calibrated on the training set, so methods differ only in how they score images. Building
 * streams the trajectory readers (twice for subspace methods) and the gradient reader once for
 * every gradient method but {@value #TRACIN}; once built, an analyzer is read-only and
 * {@link #attribute} may be called from several threads.
 */
public final class Analyzer {

    public static final String TRAJECTORY_COSINE = "trajectory-cosine";
    public static final String TRAJECTORY_COSINE_RANDOM = "trajectory-cosine-random";
    public static final String EMBEDDING_COSINE = "embedding-cosine:";
    public static final String KNN_EXACT = "knn-exact:";
    public static final String KNN_HNSW = "knn-hnsw:";
    public static final String TRACIN = "tracin";
    public static final String TRAK = "trak";
    public static final String WEIGHT_SUBSPACE = "weight-subspace";
    public static final String WEIGHT_SUBSPACE_RANDOM = "weight-subspace-random";
    public static final String CONCEPT_SUBSPACE = "concept-subspace";
    public static final String CONCEPT_SUBSPACE_RANDOM = "concept-subspace-random";
    public static final String TOKEN_LIKELIHOOD = "token-likelihood";
    /** The query embedding {@value #TOKEN_LIKELIHOOD} reads: one token gain per concept, then the null-token loss. */
    public static final String TOKEN_GAINS = TokenLikelihoodScorer.EMBEDDING;

    private final String run;
    private final TrainingSet trainingSet;
    private final Map<String, AttributionMethod> methods;
    private final Map<String, Subspace> subspaces;

    private Analyzer(String run, TrainingSet trainingSet, Map<String, AttributionMethod> methods, Map<String, Subspace> subspaces) {
        this.run = run;
        this.trainingSet = trainingSet;
        this.methods = Collections.unmodifiableMap(methods);
        this.subspaces = Collections.unmodifiableMap(subspaces);
    }

    public static Builder builder(String run, TrainingSet trainingSet) {
        return new Builder(run, trainingSet);
    }

    public String run() {
        return run;
    }

    public TrainingSet trainingSet() {
        return trainingSet;
    }

    /** Names of the methods this run supports, in the order they were registered. */
    public List<String> methods() {
        return List.copyOf(methods.keySet());
    }

    /** The method called {@code name}; an unknown name is refused with the known ones. */
    public AttributionMethod method(String name) {
        AttributionMethod method = methods.get(name);
        if (method == null) {
            throw new IllegalArgumentException("Unknown method '" + name + "'; this run supports " + methods.keySet());
        }
        return method;
    }

    /** Attributes {@code query} with the method called {@code method}. */
    public Attribution attribute(String method, Query query) {
        return method(method).attribute(query);
    }

    /**
     * The subspaces built: {@code trajectory:CHANNEL} for each representation channel and
     * {@code weights} for the LoRA updates, with their singular values and energy fractions.
     */
    public Map<String, Subspace> subspaces() {
        return subspaces;
    }

    /** Collects what a run recorded and builds every method it allows. */
    public static final class Builder {

        private final String run;
        private final TrainingSet set;
        private SharesConfig shares = SharesConfig.defaults();
        private final List<Runnable> steps = new ArrayList<>();
        private final Map<String, AttributionMethod> methods = new LinkedHashMap<>();
        private final Map<String, Subspace> subspaces = new LinkedHashMap<>();
        /** The training embeddings prepared so far by the build's steps, by name. */
        private final Map<String, EmbeddingVectors> preparedEmbeddings = new LinkedHashMap<>();
        private Set<String> only;

        private Builder(String run, TrainingSet set) {
            if (run == null || run.isBlank()) {
                throw new IllegalArgumentException("A run id is required");
            }
            this.run = run;
            this.set = Objects.requireNonNull(set, "training set");
        }

        /** Share and confidence rules for every method (default {@link SharesConfig#defaults()}). */
        public Builder shares(SharesConfig config) {
            this.shares = Objects.requireNonNull(config, "shares config");
            return this;
        }

        /**
         * Builds only the methods named here (default: every method the given inputs allow): what a
         * caller that needs one method saves, e.g. the random controls' projections and calibration.
         */
        public Builder only(Collection<String> names) {
            this.only = Set.copyOf(names);
            return this;
        }

        private boolean wants(String name) {
            return only == null || only.contains(name);
        }

        /**
         * Registers {@value #TRAJECTORY_COSINE}, {@value #CONCEPT_SUBSPACE} and their random
         * controls (those {@link #only} allows).
         */
        public Builder representationTrajectories(TrajectoryReader reader, RepresentationConfig config) {
            steps.add(() -> {
                boolean real = wants(TRAJECTORY_COSINE) || wants(CONCEPT_SUBSPACE);
                boolean control = wants(TRAJECTORY_COSINE_RANDOM) || wants(CONCEPT_SUBSPACE_RANDOM);
                if (real) {
                    List<Subspace> fitted = TrajectorySubspaces.fit(reader, config.increments(), config.rank());
                    for (int c = 0; c < fitted.size(); c++) {
                        subspaces.put("trajectory:" + reader.channels().get(c), fitted.get(c));
                    }
                    TrajectoryCosineScorer cosine = TrajectoryCosineScorer.build(TRAJECTORY_COSINE, set.size(), reader,
                            config.increments(), fitted);
                    addTrajectoryMethods(TRAJECTORY_COSINE, CONCEPT_SUBSPACE, cosine, config);
                }
                if (control) {
                    List<Subspace> random = TrajectorySubspaces.random(reader, config.rank(), config.randomSeed());
                    TrajectoryCosineScorer cosine = TrajectoryCosineScorer.build(TRAJECTORY_COSINE_RANDOM, set.size(), reader,
                            config.increments(), random);
                    addTrajectoryMethods(TRAJECTORY_COSINE_RANDOM, CONCEPT_SUBSPACE_RANDOM, cosine, config);
                }
            });
            return this;
        }

        private void addTrajectoryMethods(String cosineName, String conceptName, TrajectoryCosineScorer cosine,
                                          RepresentationConfig config) {
            if (wants(cosineName)) {
                add(cosineName, cosine, false);
            }
            if (wants(conceptName)) {
                add(conceptName, ConceptSubspaceScorer.build(set, cosine::concatenatedRow, cosine::concatenatedQueryRow,
                        config.conceptRank()), false);
            }
        }

        /**
     * Registers centred cosine, exact and HNSW neighbours, and concept subspaces (of the default
     * rank) over embedding {@code name}.
     */
        public Builder embedding(String name, float[][] vectors) {
            return embedding(name, vectors, NeighbourConfig.defaults());
        }

        /** As {@link #embedding(String, float[][])} with explicit neighbour settings. */
        public Builder embedding(String name, float[][] vectors, NeighbourConfig config) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("An embedding needs a name");
            }
            steps.add(() -> {
                EmbeddingVectors prepared = new EmbeddingVectors(name, vectors, set.size());
                preparedEmbeddings.put(name, prepared);
                if (wants(EMBEDDING_COSINE + name)) {
                    add(EMBEDDING_COSINE + name, new EmbeddingCosineScorer(EMBEDDING_COSINE + name, name, prepared), false);
                }
                if (wants(KNN_EXACT + name)) {
                    add(KNN_EXACT + name, NearestNeighbourScorer.build(KNN_EXACT + name, name, prepared, config, true), true);
                }
                if (wants(KNN_HNSW + name)) {
                    add(KNN_HNSW + name, NearestNeighbourScorer.build(KNN_HNSW + name, name, prepared, config, false), true);
                }
                if (wants(CONCEPT_SUBSPACE + ":" + name)) {
                    add(CONCEPT_SUBSPACE + ":" + name, ConceptSubspaceScorer.build(set, prepared::unit,
                            query -> prepared.centredUnit(query.requireEmbedding(CONCEPT_SUBSPACE + ":" + name, name)),
                            ConceptSubspaceScorer.DEFAULT_RANK), false);
                }
            });
            return this;
        }

        /**
         * Registers {@value #TRACIN}, {@value #TRAK}, {@value #WEIGHT_SUBSPACE} and its random control from
         * per-example gradients and the recorded LoRA updates (steps x parameters, as column
         * blocks).
         */
        public Builder gradients(GradientReader gradients, ColumnBlockSource loraUpdates, GradientConfig config) {
            return gradients(gradients, loraUpdates, config, true);
        }

        /**
         * As {@link #gradients(GradientReader, ColumnBlockSource, GradientConfig)}, registering
         * {@value #TRACIN} only if {@code withTracin}: its calibration streams every training gradient
         * twice more, which a caller that will not use it should not pay for.
         */
        public Builder gradients(GradientReader gradients, ColumnBlockSource loraUpdates, GradientConfig config,
                                 boolean withTracin) {
            steps.add(() -> {
                if (loraUpdates.columns() != gradients.parameters()) {
                    throw new IllegalArgumentException("LoRA updates have " + loraUpdates.columns() + " parameters, the gradients " + gradients.parameters());
                }
                if (withTracin && wants(TRACIN)) {
                    add(TRACIN, new FullGradientScorer(TRACIN, gradients, set.size()), false);
                }
                // One stream of the training gradients feeds every method built from it.
                Map<String, GradientSink> sinks = new LinkedHashMap<>();
                if (wants(TRAK)) {
                    CountSketch sketch = CountSketch.of(gradients.parameters(), config.kernelWidth(), config.randomSeed());
                    sinks.put(TRAK, GradientKernelScorer.collect(TRAK, set.size(), gradients, sketch, config.kernelRidge()));
                }
                int rank = Math.min(config.rank(), Math.min(loraUpdates.rows(), loraUpdates.columns()));
                Subspace weights = StepGramSubspaces.build(loraUpdates, rank);
                subspaces.put("weights", weights);
                if (wants(WEIGHT_SUBSPACE)) {
                    sinks.put(WEIGHT_SUBSPACE, ProjectedGradientScorer.collect(WEIGHT_SUBSPACE, set.size(), gradients, weights));
                }
                if (wants(WEIGHT_SUBSPACE_RANDOM)) {
                    Subspace random = RandomSubspace.of(gradients.parameters(), weights.rank(), config.randomSeed());
                    sinks.put(WEIGHT_SUBSPACE_RANDOM,
                            ProjectedGradientScorer.collect(WEIGHT_SUBSPACE_RANDOM, set.size(), gradients, random));
                }
                if (!sinks.isEmpty()) {
                    gradients.forEachGradient((item, slot, gradient) -> {
                        if (item < 0 || item >= set.size() || slot < 0 || slot >= gradients.checkpoints()) {
                            throw new IllegalArgumentException("Reader gave gradient (" + item + ", " + slot + ") outside "
                                    + set.size() + " items x " + gradients.checkpoints() + " checkpoints");
                        }
                        for (GradientSink sink : sinks.values()) {
                            sink.visit(item, slot, gradient);
                        }
                    });
                    sinks.forEach((name, sink) -> add(name, sink.finish(), false));
                }
            });
            return this;
        }

        /**
         * Registers {@value #TOKEN_LIKELIHOOD} from each training image's token gains (one row per
         * item, one value per concept, then its null-token loss). Within a concept its images are
         * ranked by their cosine with the query in {@code rankingEmbedding}, which must be registered
         * with {@link #embedding} before; null leaves them tied.
         */
        public Builder tokenGains(float[][] trainingGains, String rankingEmbedding) {
            steps.add(() -> {
                if (wants(TOKEN_LIKELIHOOD)) {
                    EmbeddingVectors ranking = rankingEmbedding == null ? null : preparedEmbeddings.get(rankingEmbedding);
                    if (rankingEmbedding != null && ranking == null) {
                        throw new IllegalStateException("Embedding " + rankingEmbedding + " must be registered before the token gains");
                    }
                    add(TOKEN_LIKELIHOOD, new TokenLikelihoodScorer(TOKEN_LIKELIHOOD, set, trainingGains, rankingEmbedding, ranking),
                            false);
                }
            });
            return this;
        }

        /** Builds every registered method (streaming passes, subspaces, indexes, calibration). */
        public Analyzer build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("Nothing to attribute with: give trajectories, embeddings or gradients");
            }
            steps.forEach(Runnable::run);
            if (only != null && !methods.keySet().containsAll(only)) {
                Set<String> missing = new TreeSet<>(only);
                missing.removeAll(methods.keySet());
                throw new IllegalArgumentException("Cannot build " + missing + " from the inputs given; they allow " + methods.keySet());
            }
            return new Analyzer(run, set, new LinkedHashMap<>(methods), new LinkedHashMap<>(subspaces));
        }

        private void add(String name, ImageScorer scorer, boolean neighbourVotes) {
            if (methods.containsKey(name)) {
                throw new IllegalArgumentException("Method " + name + " is registered twice");
            }
            methods.put(name, ScoredMethod.calibrate(run, name, set, scorer, shares, neighbourVotes));
        }
    }
}
