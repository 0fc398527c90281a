package dev.stemma.analyzer.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

class GramAccumulatorTest {

    @Test
    void shouldMatchCommonsMathLeftSingularSubspaceOnRandomMatrices() {
        Random random = new Random(7);
        for (int trial = 0; trial < 5; trial++) {
            int d = 6 + trial * 3;
            int rows = 40 + trial * 17;
            int k = 3;
            float[][] data = new float[rows][d];
            // Decaying column scales so that the top-k subspace is well separated.
            for (float[] row : data) {
                for (int i = 0; i < d; i++) {
                    row[i] = (float) (random.nextGaussian() * Math.pow(0.6, i));
                }
            }
            Subspace subspace;
            // Block size 7 makes the accumulator flush several full and one partial block.
            try (GramAccumulator gram = new GramAccumulator(d, 7)) {
                for (float[] row : data) {
                    gram.add(row);
                }
                subspace = gram.subspace(k);
            }
            RealMatrix columns = new Array2DRowRealMatrix(toDouble(data)).transpose(); // d x rows
            SingularValueDecomposition svd = new SingularValueDecomposition(columns);
            RealMatrix topLeft = svd.getU().getSubMatrix(0, d - 1, 0, k - 1).transpose();
            assertTrue(SubspaceAssertions.projectorDistance(topLeft, subspace) < 1e-4, "trial " + trial);
            double[] expectedSigma = svd.getSingularValues();
            for (int j = 0; j < k; j++) {
                assertEquals(expectedSigma[j], subspace.singularValues()[j], 1e-6 * expectedSigma[0]);
            }
            SubspaceAssertions.assertOrthonormal(subspace, 1e-5);
        }
    }

    @Test
    void shouldReportEnergyFractionHeldByTopDirections() {
        Random random = new Random(11);
        int d = 20;
        try (GramAccumulator gram = new GramAccumulator(d)) {
            // Energy 9 per row on axis 0, 4 on axis 1, 1 on each of the 18 others: total 31.
            for (int r = 0; r < 20_000; r++) {
                float[] row = new float[d];
                row[0] = (float) (3 * random.nextGaussian());
                row[1] = (float) (2 * random.nextGaussian());
                for (int i = 2; i < d; i++) {
                    row[i] = (float) random.nextGaussian();
                }
                gram.add(row);
            }
            assertEquals(20_000, gram.rows());
            assertEquals(9.0 / 31, gram.subspace(1).energyFraction(), 0.01);
            assertEquals(13.0 / 31, gram.subspace(2).energyFraction(), 0.01);
            assertEquals(1.0, gram.subspace(d).energyFraction(), 1e-9);
        }
    }

    @Test
    void shouldAccumulateTheSameGramRowByRowAndBlockwise() {
        Random random = new Random(3);
        int d = 5;
        float[] rows = new float[13 * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        try (GramAccumulator one = new GramAccumulator(d, 4); GramAccumulator block = new GramAccumulator(d, 1000)) {
            for (int r = 0; r < 13; r++) {
                one.add(rows, r * d);
            }
            block.addRows(rows, 13);
            double[][] a = one.gram();
            double[][] b = block.gram();
            for (int i = 0; i < d; i++) {
                assertArrayEquals(a[i], b[i], 1e-9);
            }
            double direct = 0;
            for (int r = 0; r < 13; r++) {
                direct += (double) rows[r * d] * rows[r * d + 1];
            }
            assertEquals(direct, a[0][1], 1e-9);
        }
    }

    @Test
    void shouldRefuseEmptyInputAndBadRank() {
        try (GramAccumulator gram = new GramAccumulator(4)) {
            assertThrows(IllegalStateException.class, () -> gram.subspace(2));
            gram.add(new float[] {1, 2, 3, 4});
            assertThrows(IllegalArgumentException.class, () -> gram.subspace(5));
            assertThrows(IllegalArgumentException.class, () -> gram.add(new float[3]));
        }
    }

    static double[][] toDouble(float[][] data) {
        double[][] out = new double[data.length][];
        for (int r = 0; r < data.length; r++) {
            out[r] = new double[data[r].length];
            for (int i = 0; i < data[r].length; i++) {
                out[r][i] = data[r][i];
            }
        }
        return out;
    }
}
