package dev.stemma.analyzer.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.RealMatrix;

/** Compares subspaces through their projectors, which do not depend on signs or rotations. */
final class SubspaceAssertions {

    private SubspaceAssertions() {
    }

    /** Largest entry of |P_expected - P_actual|, P = B^T B for basis rows B. */
    static double projectorDistance(RealMatrix expectedRows, Subspace actual) {
        int n = expectedRows.getColumnDimension();
        double worst = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double expected = 0;
                for (int j = 0; j < expectedRows.getRowDimension(); j++) {
                    expected += expectedRows.getEntry(j, a) * expectedRows.getEntry(j, b);
                }
                double got = 0;
                for (int j = 0; j < actual.rank(); j++) {
                    float[] v = actual.direction(j);
                    got += (double) v[a] * v[b];
                }
                worst = Math.max(worst, Math.abs(expected - got));
            }
        }
        return worst;
    }

    static void assertOrthonormal(Subspace s, double tolerance) {
        for (int i = 0; i < s.rank(); i++) {
            for (int j = 0; j < s.rank(); j++) {
                float[] a = s.direction(i);
                float[] b = s.direction(j);
                double dot = 0;
                for (int c = 0; c < a.length; c++) {
                    dot += (double) a[c] * b[c];
                }
                double expected = i == j ? 1 : 0;
                assertTrue(Math.abs(dot - expected) < tolerance, "basis rows " + i + "," + j + " dot " + dot);
            }
        }
    }
}
