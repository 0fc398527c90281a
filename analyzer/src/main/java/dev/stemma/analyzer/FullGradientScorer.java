package dev.stemma.analyzer;

/**
 * TracIn-style baseline: the cosine between the query's full LoRA gradient and each training
 * item's at every checkpoint, averaged over checkpoints. Training gradients are streamed from
 * the reader for every query, so memory is one gradient plus the query's, not n x P.
 */
final class FullGradientScorer implements ImageScorer {

    private final String method;
    private final GradientReader reader;
    private final int items;

    FullGradientScorer(String method, GradientReader reader, int items) {
        this.method = method;
        this.reader = reader;
        this.items = items;
    }

    @Override
    public float[] scores(Query query) {
        float[][] gradients = query.requireGradients(method);
        GradientShapes.check(reader, gradients, method);
        return scoreAgainst(new float[][][] {gradients}, new int[] {-1})[0];
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] sample) {
        // One pass to collect the sample's gradients (sample x checkpoints x P), one to score.
        float[][][] held = new float[sample.length][reader.checkpoints()][];
        int[] slot = new int[items];
        java.util.Arrays.fill(slot, -1);
        for (int q = 0; q < sample.length; q++) {
            slot[sample[q]] = q;
        }
        reader.forEachGradient((item, checkpoint, gradient) -> {
            if (slot[item] >= 0) {
                held[slot[item]][checkpoint] = gradient.clone();
            }
        });
        return scoreAgainst(held, sample);
    }

    private float[][] scoreAgainst(float[][][] queries, int[] exclude) {
        int checkpoints = reader.checkpoints();
        double[][] queryNorms = new double[queries.length][checkpoints];
        for (int q = 0; q < queries.length; q++) {
            for (int c = 0; c < checkpoints; c++) {
                queryNorms[q][c] = Vectors.norm(queries[q][c]);
            }
        }
        float[][] scores = new float[queries.length][items];
        reader.forEachGradient((item, checkpoint, gradient) -> {
            double norm = Vectors.norm(gradient);
            for (int q = 0; q < queries.length; q++) {
                double denominator = norm * queryNorms[q][checkpoint];
                if (denominator > 0) {
                    scores[q][item] += (float) (Vectors.dot(queries[q][checkpoint], gradient) / denominator / checkpoints);
                }
            }
        });
        for (int q = 0; q < queries.length; q++) {
            if (exclude[q] >= 0) {
                scores[q][exclude[q]] = Float.NaN;
            }
        }
        return scores;
    }
}
