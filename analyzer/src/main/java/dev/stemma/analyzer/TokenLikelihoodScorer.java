package dev.stemma.analyzer;

/**
 * Attribution by which concept's token best explains the image under the customised model
 * (a diffusion classifier): every training image scores its concept's token gain for the query,
 * {@code (L_null - L_concept) / L_null} (see {@code replay.TokenGains}), so the images of one
 * concept share a score and the shares follow the gains. Within a concept, images are ranked by
 * their centred cosine with the query in a ranking embedding (the run's final activations, in
 * {@code RunAnalysis}), added at most {@value #TIE_BREAK} to the gain: an order of concepts by
 * gain first, of a concept's images by likeness second, which leaves the shares as the gains make
 * them and gives each concept's images a ranking (top training images, LDS). It reads only the finished model, not
 * the recorded trajectories. Queries carry their gains as the embedding {@value #EMBEDDING}:
 * one value per concept of the training set, in its order, then the image's loss under the null
 * token.
 *
 * <p>Confidence: a gain says which token explains the image best, not whether the image looks
 * like anything the model learnt. That the null-token loss says: a blank image is far easier to
 * denoise than any training image, a noise image far harder. {@link #typicality} is 0 for a
 * null-token loss outside the training images' range and ramps up to 1 within the outer
 * {@value #TAIL} of them on either side.
 */
final class TokenLikelihoodScorer implements ImageScorer {
    /** The query embedding holding the token gains. */
    static final String EMBEDDING = "token-gains";
    /** Fraction of the training images' null-token losses on each side below which typicality ramps down. */
    static final double TAIL = 0.05;
    /** The most the within-concept ranking adds to or takes from a gain. */
    static final float TIE_BREAK = 1e-4f;

    private final String method;
    private final TrainingSet set;
    private final float[][] trainingGains;
    private final float[] nullLosses; // the training images', sorted
    private final String rankingName;
    private final EmbeddingVectors ranking;

    /**
     * @param trainingGains the gains of each training image, one row per item: one value per
     *                      concept, then its null-token loss (what calibration compares queries with)
     * @param rankingName   the query embedding that ranks images within a concept; null for ties
     * @param ranking       the training images' prepared vectors of that embedding; null for ties
     */
    TokenLikelihoodScorer(String method, TrainingSet set, float[][] trainingGains, String rankingName, EmbeddingVectors ranking) {
        if ((rankingName == null) != (ranking == null)) {
            throw new IllegalArgumentException("A ranking embedding needs both its name and its training vectors");
        }
        if (ranking != null && ranking.size() != set.size()) {
            throw new IllegalArgumentException("Ranking embedding " + rankingName + " has " + ranking.size() + " vectors for "
                    + set.size() + " training items");
        }
        this.rankingName = rankingName;
        this.ranking = ranking;
        if (trainingGains.length != set.size()) {
            throw new IllegalArgumentException(trainingGains.length + " rows of token gains for " + set.size() + " training items");
        }
        for (float[] row : trainingGains) {
            if (row.length != set.concepts().size() + 1) {
                throw new IllegalArgumentException("token gains of " + (row.length - 1) + " concepts for a training set of "
                        + set.concepts().size());
            }
        }
        this.method = method;
        this.set = set;
        this.trainingGains = trainingGains;
        this.nullLosses = new float[trainingGains.length];
        for (int i = 0; i < trainingGains.length; i++) {
            nullLosses[i] = trainingGains[i][set.concepts().size()];
        }
        java.util.Arrays.sort(nullLosses);
    }

    @Override
    public float[] scores(Query query) {
        float[] likeness = ranking == null ? null : ranking.centredUnit(query.requireEmbedding(method, rankingName));
        return spread(gainsOf(query), likeness);
    }

    @Override
    public double typicality(Query query) {
        float nullLoss = gainsOf(query)[set.concepts().size()];
        int below = 0;
        while (below < nullLosses.length && nullLosses[below] < nullLoss) {
            below++;
        }
        double fraction = (double) below / nullLosses.length;
        return Math.max(0, Math.min(1, Math.min(fraction, 1 - fraction) / TAIL));
    }

    private float[] gainsOf(Query query) {
        float[] gains = query.requireEmbedding(method, EMBEDDING);
        if (gains.length != set.concepts().size() + 1) {
            throw new IllegalArgumentException("Method " + method + " needs one token gain per concept (" + set.concepts().size()
                    + ") and the null-token loss, the query has " + gains.length + " values");
        }
        return gains;
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] items) {
        float[][] result = new float[items.length][];
        for (int q = 0; q < items.length; q++) {
            result[q] = spread(trainingGains[items[q]], ranking == null ? null : ranking.unit(items[q]));
            result[q][items[q]] = Float.NaN;
        }
        return result;
    }

    /**
     * Each training image's score: its concept's gain, plus {@value #TIE_BREAK} times its cosine
     * with {@code likeness} (a centred unit vector of the ranking embedding; null for none).
     */
    private float[] spread(float[] gains, float[] likeness) {
        float[] scores = new float[set.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = gains[set.conceptOf(i)];
            if (likeness != null) {
                scores[i] += TIE_BREAK * EmbeddingVectors.dot(likeness, ranking.unit(i));
            }
        }
        return scores;
    }
}
