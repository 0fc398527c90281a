package dev.stemma.analyzer;

/**
 * Centred cosine between the query's embedding and every training embedding (the baselines:
 * final-model activations, raw pixels, a classifier's penultimate layer).
 */
final class EmbeddingCosineScorer implements ImageScorer {

    private final String method;
    private final String embedding;
    private final EmbeddingVectors vectors;

    EmbeddingCosineScorer(String method, String embedding, EmbeddingVectors vectors) {
        this.method = method;
        this.embedding = embedding;
        this.vectors = vectors;
    }

    @Override
    public float[] scores(Query query) {
        return scoresOf(vectors.centredUnit(query.requireEmbedding(method, embedding)));
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] items) {
        float[][] result = new float[items.length][];
        for (int q = 0; q < items.length; q++) {
            result[q] = scoresOf(vectors.unit(items[q]));
            result[q][items[q]] = Float.NaN;
        }
        return result;
    }

    private float[] scoresOf(float[] unitQuery) {
        float[] scores = new float[vectors.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = EmbeddingVectors.dot(unitQuery, vectors.unit(i));
        }
        return scores;
    }
}
