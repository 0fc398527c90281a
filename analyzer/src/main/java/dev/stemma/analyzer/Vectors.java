package dev.stemma.analyzer;

/** Dot products and norms of float vectors. */
final class Vectors {
    private Vectors() {}

    /** The dot product of two vectors of equal length, accumulated in double. */
    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /**
     * The dot product of {@code a[aOffset ..]} and {@code b[bOffset ..]} over {@code length} values,
     * in float with four independent sums: the JIT keeps them in registers and the CPU overlaps
     * them (the scoring loops of the index-based methods).
     */
    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < length; i += 4) {
            s0 += a[aOffset + i] * b[bOffset + i];
            s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
            s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
            s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
        }
        for (; i < length; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The Euclidean norm. */
    static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }
}
