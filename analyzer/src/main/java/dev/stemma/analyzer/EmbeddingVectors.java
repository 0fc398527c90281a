package dev.stemma.analyzer;

/**
 * Training embeddings centred on their mean and scaled to unit length, so that a dot product
 * is the centred cosine. Centring matters for non-negative features (pixels, activations after
 * ReLU or SiLU), whose raw cosines all crowd near 1.
 */
final class EmbeddingVectors {

    private final int dimension;
    private final float[] mean;
    private final float[][] unit;

    EmbeddingVectors(String name, float[][] vectors, int items) {
        if (vectors.length != items) {
            throw new IllegalArgumentException("Embedding " + name + " has " + vectors.length + " vectors for " + items + " training items");
        }
        this.dimension = vectors[0].length;
        double[] sum = new double[dimension];
        for (float[] v : vectors) {
            if (v.length != dimension) {
                throw new IllegalArgumentException("Embedding " + name + " mixes vectors of " + dimension + " and " + v.length + " values");
            }
            for (int i = 0; i < dimension; i++) {
                sum[i] += v[i];
            }
        }
        this.mean = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            mean[i] = (float) (sum[i] / vectors.length);
        }
        this.unit = new float[vectors.length][];
        for (int n = 0; n < vectors.length; n++) {
            unit[n] = centredUnit(vectors[n]);
        }
    }

    int size() {
        return unit.length;
    }

    int dimension() {
        return dimension;
    }

    float[] unit(int item) {
        return unit[item];
    }

    /** {@code v} centred with the training mean and scaled to unit length (zero stays zero). */
    float[] centredUnit(float[] v) {
        if (v.length != dimension) {
            throw new IllegalArgumentException("Embedding has " + v.length + " values, the training embeddings " + dimension);
        }
        float[] out = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            out[i] = v[i] - mean[i];
        }
        UnitBlockIndex.normalise(out, 0, dimension);
        return out;
    }

    static float dot(float[] a, float[] b) {
        return (float) Vectors.dot(a, b);
    }
}
