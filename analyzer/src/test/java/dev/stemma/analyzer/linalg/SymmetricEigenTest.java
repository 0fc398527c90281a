package dev.stemma.analyzer.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    /** Q diag(values) Q^T for a random orthogonal Q. */
    private static double[][] withSpectrum(double[] values, long seed) {
        int n = values.length;
        Random random = new Random(seed);
        double[][] g = new double[n][n];
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextGaussian();
            }
        }
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(g)).getQ();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            d[i][i] = values[i];
        }
        return q.multiply(new Array2DRowRealMatrix(d)).multiply(q.transpose()).getData();
    }

    @Test
    void shouldReturnTheSpectrumLargestFirstWithUnitEigenvectorsOfTheKeptValues() {
        double[] spectrum = {0.5, 7.0, -2.0, 3.0, 0.0, 11.0};
        double[][] a = withSpectrum(spectrum, 3);
        SymmetricEigen.Result r = SymmetricEigen.decompose(a, 3);
        assertArrayEquals(new double[] {11.0, 7.0, 3.0, 0.5, 0.0, -2.0}, r.values(), 1e-9);
        assertEquals(3, r.vectors().length);
        for (int k = 0; k < 3; k++) {
            double[] v = r.vectors()[k];
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            assertEquals(1.0, norm, 1e-9, "unit eigenvector " + k);
            for (int i = 0; i < a.length; i++) {
                double av = 0;
                for (int j = 0; j < a.length; j++) {
                    av += a[i][j] * v[j];
                }
                assertEquals(r.values()[k] * v[i], av, 1e-9, "A v = lambda v, vector " + k + " row " + i);
            }
            for (int other = 0; other < k; other++) {
                double dot = 0;
                for (int i = 0; i < v.length; i++) {
                    dot += v[i] * r.vectors()[other][i];
                }
                assertEquals(0.0, dot, 1e-9, "eigenvectors " + other + " and " + k + " are orthogonal");
            }
        }
    }

    @Test
    void shouldRefuseANonSquareMatrixOrKeepingMoreVectorsThanItHas() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{1, 0, 0}, {0, 1, 0}}, 1));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{1, 0}, {0, 1}}, 3));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{1, 0}, {0, 1}}, -1));
    }
}
