package dev.stemma.analyzer.linalg;

import java.util.Arrays;

/**
 * An orthonormal basis of k directions in a space of dimension n, with the singular values of
 * the data it came from and the fraction of that data's energy (sum of squares) it holds.
 * Immutable; the basis is kept as k rows of n floats, so memory is k x n.
 */
public final class Subspace {

    private final int dimension;
    private final int rank;
    private final float[] basis; // rank rows of dimension floats
    private final double[] singularValues;
    private final double energyFraction;

    /**
     * @param basis          k rows of length n, orthonormal
     * @param singularValues the singular values of the top k directions, descending (empty for a
     *                       random control)
     * @param energyFraction fraction of the data's energy held by the k directions, in [0, 1], or
     *                       NaN where it has no meaning (random control)
     */
    Subspace(double[][] basis, double[] singularValues, double energyFraction) {
        if (basis.length == 0) {
            throw new IllegalArgumentException("A subspace needs at least one direction");
        }
        this.rank = basis.length;
        this.dimension = basis[0].length;
        this.basis = new float[rank * dimension];
        for (int j = 0; j < rank; j++) {
            if (basis[j].length != dimension) {
                throw new IllegalArgumentException("Basis row " + j + " has " + basis[j].length + " values, expected " + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                this.basis[j * dimension + i] = (float) basis[j][i];
            }
        }
        this.singularValues = singularValues.clone();
        this.energyFraction = energyFraction;
    }

    /** Dimension n of the ambient space. */
    public int dimension() {
        return dimension;
    }

    /** Number k of directions. */
    public int rank() {
        return rank;
    }

    /** Singular values of the top k directions, descending; empty for a random control. */
    public double[] singularValues() {
        return singularValues.clone();
    }

    /** Fraction of the data's energy held by the k directions; NaN for a random control. */
    public double energyFraction() {
        return energyFraction;
    }

    /** Direction {@code j} (unit length) as a new array. */
    public float[] direction(int j) {
        return Arrays.copyOfRange(basis, j * dimension, (j + 1) * dimension);
    }

    /** Coordinates of {@code x} in the basis, written into {@code out[offset .. offset + k)}. */
    public void project(float[] x, float[] out, int offset) {
        project(x, 0, out, offset);
    }

    /**
     * Coordinates of {@code x[from .. from + n)} in the basis, written into
     * {@code out[offset .. offset + k)}.
     */
    public void project(float[] x, int from, float[] out, int offset) {
        for (int j = 0; j < rank; j++) {
            int row = j * dimension;
            double sum = 0;
            for (int i = 0; i < dimension; i++) {
                sum += basis[row + i] * x[from + i];
            }
            out[offset + j] = (float) sum;
        }
    }

    /**
     * Adds the contribution of the slice {@code x[0 .. width)}, which holds coordinates
     * {@code [firstColumn, firstColumn + width)} of a longer vector, to its coordinates
     * {@code out[offset .. offset + k)}: projection of a vector that arrives in blocks.
     */
    public void accumulateSlice(float[] x, int firstColumn, int width, float[] out, int offset) {
        if (firstColumn < 0 || firstColumn + width > dimension) {
            throw new IllegalArgumentException("Slice [" + firstColumn + ", " + (firstColumn + width) + ") is outside dimension " + dimension);
        }
        for (int j = 0; j < rank; j++) {
            int row = j * dimension + firstColumn;
            double sum = 0;
            for (int i = 0; i < width; i++) {
                sum += basis[row + i] * x[i];
            }
            out[offset + j] += (float) sum;
        }
    }
}
