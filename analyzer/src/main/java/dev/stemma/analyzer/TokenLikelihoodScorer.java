package dev.stemma.analyzer;

/**
 * Attribution by which concept's token best explains the image under the customised model
 * (a diffusion classifier): every training image scores its concept's token gain for the query,
 * {@code (L_null - L_concept) / L_null} (see {@code replay.TokenGains}), so the images of one
 * concept share a score and the shares follow the gains. It reads only the finished model, not
 * the recorded trajectories. Queries carry their gains as the embedding
 * {@value #EMBEDDING}, one value per concept of the training set, in its order.
 */
final class TokenLikelihoodScorer implements ImageScorer {
    /** The query embedding holding the token gains. */
    static final String EMBEDDING = "token-gains";

    private final String method;
    private final TrainingSet set;
    private final float[][] trainingGains;

    /**
     * @param trainingGains the gains of each training image, one row per item, one value per
     *                      concept (what calibration compares queries with)
     */
    TokenLikelihoodScorer(String method, TrainingSet set, float[][] trainingGains) {
        if (trainingGains.length != set.size()) {
            throw new IllegalArgumentException(trainingGains.length + " rows of token gains for " + set.size() + " training items");
        }
        for (float[] row : trainingGains) {
            if (row.length != set.concepts().size()) {
                throw new IllegalArgumentException("token gains of " + row.length + " concepts for a training set of "
                        + set.concepts().size());
            }
        }
        this.method = method;
        this.set = set;
        this.trainingGains = trainingGains;
    }

    @Override
    public float[] scores(Query query) {
        float[] gains = query.requireEmbedding(method, EMBEDDING);
        if (gains.length != set.concepts().size()) {
            throw new IllegalArgumentException("Method " + method + " needs one token gain per concept (" + set.concepts().size()
                    + "), the query has " + gains.length);
        }
        return spread(gains);
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] items) {
        float[][] result = new float[items.length][];
        for (int q = 0; q < items.length; q++) {
            result[q] = spread(trainingGains[items[q]]);
            result[q][items[q]] = Float.NaN;
        }
        return result;
    }

    /** Each training image's score: its concept's gain. */
    private float[] spread(float[] gains) {
        float[] scores = new float[set.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = gains[set.conceptOf(i)];
        }
        return scores;
    }
}
