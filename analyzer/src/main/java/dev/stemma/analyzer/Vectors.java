package dev.stemma.analyzer;

/** Dot products and norms of float vectors, accumulated in double. */
final class Vectors {
    private Vectors() {}

    /** The dot product of two vectors of equal length. */
    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** The Euclidean norm. */
    static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }
}
