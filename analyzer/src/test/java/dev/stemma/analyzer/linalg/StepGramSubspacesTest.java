package dev.stemma.analyzer.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

class StepGramSubspacesTest {

    /** A steps x parameters matrix served in column blocks of a given width. */
    record InMemoryBlocks(float[][] matrix, int blockWidth) implements ColumnBlockSource {
        @Override
        public int rows() {
            return matrix.length;
        }

        @Override
        public int columns() {
            return matrix[0].length;
        }

        @Override
        public void forEachBlock(BlockVisitor visitor) {
            // Last block first, to check that order does not matter.
            int blocks = (columns() + blockWidth - 1) / blockWidth;
            for (int b = blocks - 1; b >= 0; b--) {
                int first = b * blockWidth;
                int width = Math.min(blockWidth, columns() - first);
                float[] values = new float[rows() * width];
                for (int t = 0; t < rows(); t++) {
                    System.arraycopy(matrix[t], first, values, t * width, width);
                }
                visitor.visit(first, width, values);
            }
        }
    }

    @Test
    void shouldMatchCommonsMathRightSingularSubspaceWhateverTheBlocks() {
        Random random = new Random(5);
        int steps = 12;
        int parameters = 50;
        float[][] updates = new float[steps][parameters];
        for (float[] row : updates) {
            for (int p = 0; p < parameters; p++) {
                row[p] = (float) (random.nextGaussian() * Math.pow(0.8, p % 10) * (p < 10 ? 3 : 1));
            }
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(GramAccumulatorTest.toDouble(updates)));
        int k = 4;
        RealMatrix topRight = svd.getV().getSubMatrix(0, parameters - 1, 0, k - 1).transpose();
        for (int width : new int[] {1, 7, 50}) {
            Subspace subspace = StepGramSubspaces.build(new InMemoryBlocks(updates, width), k);
            assertEquals(k, subspace.rank());
            assertEquals(parameters, subspace.dimension());
            assertTrue(SubspaceAssertions.projectorDistance(topRight, subspace) < 1e-4, "block width " + width);
            SubspaceAssertions.assertOrthonormal(subspace, 1e-4);
            assertEquals(svd.getSingularValues()[0], subspace.singularValues()[0], 1e-5 * svd.getSingularValues()[0]);
        }
    }

    @Test
    void shouldKeepOnlyDirectionsTheUpdatesActuallySpan() {
        // Rank-2 updates: every step moves along a mix of two fixed directions.
        Random random = new Random(9);
        int steps = 30;
        int parameters = 40;
        float[] a = new float[parameters];
        float[] b = new float[parameters];
        for (int p = 0; p < parameters; p++) {
            a[p] = (float) random.nextGaussian();
            b[p] = (float) random.nextGaussian();
        }
        float[][] updates = new float[steps][parameters];
        for (int t = 0; t < steps; t++) {
            double x = random.nextGaussian();
            double y = random.nextGaussian();
            for (int p = 0; p < parameters; p++) {
                updates[t][p] = (float) (x * a[p] + y * b[p]);
            }
        }
        Subspace subspace = StepGramSubspaces.build(new InMemoryBlocks(updates, 16), 5);
        assertEquals(2, subspace.rank());
        assertEquals(1.0, subspace.energyFraction(), 1e-6);
    }

    @Test
    void shouldRefuseBlocksThatDoNotCoverTheColumns() {
        ColumnBlockSource partial = new ColumnBlockSource() {
            @Override
            public int rows() {
                return 3;
            }

            @Override
            public int columns() {
                return 10;
            }

            @Override
            public void forEachBlock(BlockVisitor visitor) {
                visitor.visit(0, 4, new float[12]);
            }
        };
        assertThrows(IllegalStateException.class, () -> StepGramSubspaces.build(partial, 2));
    }
}
