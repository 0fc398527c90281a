package dev.stemma.analyzer.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Eigen-decomposition of a symmetric matrix through LAPACK dsyev, largest eigenvalue first. */
public final class SymmetricEigen {

    /** Eigenvalues in descending order and the matching unit eigenvectors as rows. */
    public record Result(double[] values, double[][] vectors) {
    }

    private SymmetricEigen() {
    }

    /** As {@link #decompose(INDArray, int)} for a matrix held as n rows of n doubles. */
    public static Result decompose(double[][] matrix, int keep) {
        try (INDArray array = Nd4j.create(matrix)) {
            return decompose(array, keep);
        }
    }

    /**
     * Decomposes {@code matrix} (n x n, double, symmetric); keeps the eigenvectors of the
     * {@code keep} largest eigenvalues and all eigenvalues.
     */
    static Result decompose(INDArray matrix, int keep) {
        int n = (int) matrix.rows();
        if (matrix.columns() != n) {
            throw new IllegalArgumentException("Expected a square matrix, got " + matrix.rows() + " x " + matrix.columns());
        }
        if (keep < 0 || keep > n) {
            throw new IllegalArgumentException("Cannot keep " + keep + " eigenvectors of a " + n + " x " + n + " matrix");
        }
        try (INDArray work = matrix.castTo(DataType.DOUBLE).dup('f');
             INDArray ascending = Nd4j.create(DataType.DOUBLE, n)) {
            int info = Nd4j.getBlasWrapper().lapack().syev('V', 'U', work, ascending);
            if (info != 0) {
                throw new ArithmeticException("LAPACK dsyev failed to converge (info " + info + ") on a " + n + " x " + n + " matrix");
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = ascending.getDouble(n - 1 - i);
            }
            // dsyev leaves the eigenvectors in the columns of work, ascending.
            double[][] vectors = new double[keep][];
            for (int j = 0; j < keep; j++) {
                vectors[j] = work.getColumn(n - 1 - j).toDoubleVector();
            }
            return new Result(values, vectors);
        }
    }
}
