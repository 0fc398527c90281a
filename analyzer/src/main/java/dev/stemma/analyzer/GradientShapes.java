package dev.stemma.analyzer;

/** Checks that a query's gradients match what the run recorded. */
final class GradientShapes {

    private GradientShapes() {
    }

    static void check(GradientReader reader, float[][] gradients, String method) {
        if (gradients.length != reader.checkpoints()) {
            throw new IllegalArgumentException("Method " + method + " needs gradients at " + reader.checkpoints() + " checkpoints, the query has " + gradients.length);
        }
        for (float[] g : gradients) {
            if (g.length != reader.parameters()) {
                throw new IllegalArgumentException("Method " + method + " needs gradients of " + reader.parameters() + " parameters, the query has " + g.length);
            }
        }
    }
}
