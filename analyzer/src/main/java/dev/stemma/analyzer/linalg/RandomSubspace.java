package dev.stemma.analyzer.linalg;

import java.util.SplittableRandom;

/**
 * The control for every subspace method: an orthonormal basis of the same rank drawn at random
 * (Gaussian rows, orthonormalised by modified Gram-Schmidt in double precision), reproducible
 * from its seed.
 */
public final class RandomSubspace {

    private RandomSubspace() {
    }

    /** A random {@code rank}-dimensional subspace of a {@code dimension}-dimensional space. */
    public static Subspace of(int dimension, int rank, long seed) {
        if (rank < 1 || rank > dimension) {
            throw new IllegalArgumentException("Rank must be in [1, " + dimension + "], got " + rank);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] basis = new double[rank][dimension];
        for (int j = 0; j < rank; j++) {
            double[] row = basis[j];
            double norm;
            do {
                for (int i = 0; i < dimension; i++) {
                    row[i] = random.nextGaussian();
                }
                for (int pass = 0; pass < 2; pass++) { // twice is enough for orthogonality in double
                    for (int p = 0; p < j; p++) {
                        double dot = 0;
                        for (int i = 0; i < dimension; i++) {
                            dot += row[i] * basis[p][i];
                        }
                        for (int i = 0; i < dimension; i++) {
                            row[i] -= dot * basis[p][i];
                        }
                    }
                }
                norm = 0;
                for (double v : row) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
            } while (norm < 1e-8);
            for (int i = 0; i < dimension; i++) {
                row[i] /= norm;
            }
        }
        return new Subspace(basis, new double[0], Double.NaN);
    }
}
