package dev.stemma.analyzer.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The top-k right singular vectors of a matrix with few rows and many columns (recorded steps x
 * LoRA parameters), read as column blocks: the directions the weights moved in.
 *
 * <p>Pass 1 accumulates the steps x steps Gram A A^T = sum over blocks of A_b A_b^T; its
 * eigenvectors u_j and eigenvalues sigma_j^2 are the left singular vectors and squared singular
 * values of A. Pass 2 forms v_j = A^T u_j / sigma_j block by block. Memory: steps^2 doubles, one
 * block, and the k x P basis.
 */
public final class StepGramSubspaces {

    /** Directions whose singular value is below this fraction of the largest carry no signal. */
    private static final double RELATIVE_SINGULAR_FLOOR = 1e-6;

    private StepGramSubspaces() {
    }

    /**
     * Builds the top-{@code rank} right singular subspace of {@code source}. Fewer directions are
     * returned when the matrix has lower numerical rank.
     */
    public static Subspace build(ColumnBlockSource source, int rank) {
        int steps = source.rows();
        int columns = source.columns();
        if (steps < 1 || columns < 1) {
            throw new IllegalArgumentException("Weight updates must have at least one step and one parameter, got " + steps + " x " + columns);
        }
        if (rank < 1 || rank > Math.min(steps, columns)) {
            throw new IllegalArgumentException("Rank must be in [1, " + Math.min(steps, columns) + "], got " + rank);
        }
        SymmetricEigen.Result eigen;
        try (INDArray gram = Nd4j.zeros(DataType.DOUBLE, steps, steps)) {
            int[] covered = {0};
            source.forEachBlock((first, width, values) -> {
                checkBlock(source, first, width, values);
                try (INDArray block = toDouble(values, steps, width)) {
                    Nd4j.gemm(block, block, gram, false, true, 1.0, 1.0);
                }
                covered[0] += width;
            });
            if (covered[0] != columns) {
                throw new IllegalStateException("Column blocks covered " + covered[0] + " columns, expected " + columns);
            }
            eigen = SymmetricEigen.decompose(gram, rank);
        }
        double largest = Math.sqrt(Math.max(0, eigen.values()[0]));
        int kept = 0;
        while (kept < rank && Math.sqrt(Math.max(0, eigen.values()[kept])) > RELATIVE_SINGULAR_FLOOR * largest) {
            kept++;
        }
        if (kept == 0) {
            throw new IllegalStateException("The weight updates are all zero: no direction to keep");
        }
        double[][] right = new double[kept][columns];
        double[] sigma = new double[kept];
        for (int j = 0; j < kept; j++) {
            sigma[j] = Math.sqrt(eigen.values()[j]);
        }
        int k = kept;
        double[] scaledLeft = new double[k * steps]; // row j: u_j / sigma_j
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < steps; t++) {
                scaledLeft[j * steps + t] = eigen.vectors()[j][t] / sigma[j];
            }
        }
        try (INDArray left = Nd4j.create(scaledLeft, new long[] {k, steps}, DataType.DOUBLE)) {
            source.forEachBlock((first, width, values) -> {
                checkBlock(source, first, width, values);
                try (INDArray block = toDouble(values, steps, width);
                     INDArray product = left.mmul(block)) {
                    for (int j = 0; j < k; j++) {
                        double[] row = product.getRow(j).toDoubleVector();
                        System.arraycopy(row, 0, right[j], first, width);
                    }
                }
            });
        }
        return GramAccumulator.fromEigen(new SymmetricEigen.Result(eigen.values(), right), k);
    }

    private static void checkBlock(ColumnBlockSource source, int first, int width, float[] values) {
        if (first < 0 || width < 1 || first + width > source.columns()) {
            throw new IllegalArgumentException("Block [" + first + ", " + (first + width) + ") is outside " + source.columns() + " columns");
        }
        if (values.length < source.rows() * width) {
            throw new IllegalArgumentException("Block of " + source.rows() + " x " + width + " needs " + source.rows() * width + " values, got " + values.length);
        }
    }

    /** The block as a double matrix off the Java heap (the float copy is freed at once). */
    private static INDArray toDouble(float[] values, int rows, int width) {
        float[] exact = values.length == rows * width ? values : java.util.Arrays.copyOf(values, rows * width);
        try (INDArray floats = Nd4j.create(exact, new long[] {rows, width}, 'c')) {
            return floats.castTo(DataType.DOUBLE);
        }
    }
}
