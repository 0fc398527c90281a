package dev.stemma.analyzer.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Streams rows of dimension d (representation increments) into their d x d Gram matrix
 * G = sum of x x^T in double precision, then gives its top-k eigenvectors: the top-k left
 * singular vectors of the d x N matrix whose columns are the rows fed in. Memory is d^2 doubles
 * plus one block of rows, whatever the number of rows.
 *
 * <p>Rows are buffered into a block and folded in with one BLAS {@code dgemm} per block. Not
 * thread-safe; close it to free the native buffers.
 */
public final class GramAccumulator implements AutoCloseable {

    private static final int DEFAULT_BLOCK_ROWS = 2048;

    private final int dimension;
    private final int blockRows;
    private final INDArray gram;
    private final double[] pending;
    private int pendingRows;
    private long rows;
    private boolean closed;

    /** An accumulator for rows of {@code dimension} values. */
    public GramAccumulator(int dimension) {
        this(dimension, DEFAULT_BLOCK_ROWS);
    }

    GramAccumulator(int dimension, int blockRows) {
        if (dimension < 1) {
            throw new IllegalArgumentException("Row dimension must be positive, got " + dimension);
        }
        if (blockRows < 1) {
            throw new IllegalArgumentException("Block size must be positive, got " + blockRows);
        }
        this.dimension = dimension;
        this.blockRows = blockRows;
        this.gram = Nd4j.zeros(DataType.DOUBLE, dimension, dimension);
        this.pending = new double[blockRows * dimension];
    }

    /** Dimension d of the rows. */
    public int dimension() {
        return dimension;
    }

    /** Number of rows fed so far. */
    public long rows() {
        return rows;
    }

    /** Adds one row of d values. */
    public void add(float[] row) {
        add(row, 0);
    }

    /** Adds the row {@code values[from .. from + d)}. */
    public void add(float[] values, int from) {
        checkOpen();
        if (from < 0 || from + dimension > values.length) {
            throw new IllegalArgumentException("Row at " + from + " needs " + dimension + " values; array has " + values.length);
        }
        int base = pendingRows * dimension;
        for (int i = 0; i < dimension; i++) {
            pending[base + i] = values[from + i];
        }
        pendingRows++;
        rows++;
        if (pendingRows == blockRows) {
            flush();
        }
    }

    /** Adds {@code count} rows stored one after another (row-major) in {@code values}. */
    public void addRows(float[] values, int count) {
        if ((long) count * dimension > values.length) {
            throw new IllegalArgumentException(count + " rows of " + dimension + " need " + (long) count * dimension + " values; array has " + values.length);
        }
        for (int r = 0; r < count; r++) {
            add(values, r * dimension);
        }
    }

    /** The Gram matrix accumulated so far, as a new d x d array. */
    public double[][] gram() {
        checkOpen();
        flush();
        return gram.toDoubleMatrix();
    }

    /**
     * The top-{@code rank} eigenvectors of the Gram as a subspace, with the singular values
     * (square roots of the eigenvalues) and the fraction of the total energy (trace) they hold.
     */
    public Subspace subspace(int rank) {
        checkOpen();
        if (rank < 1 || rank > dimension) {
            throw new IllegalArgumentException("Rank must be in [1, " + dimension + "], got " + rank);
        }
        if (rows == 0) {
            throw new IllegalStateException("No rows were added: there is no subspace to build");
        }
        flush();
        SymmetricEigen.Result eigen = SymmetricEigen.decompose(gram, rank);
        return fromEigen(eigen, rank);
    }

    static Subspace fromEigen(SymmetricEigen.Result eigen, int rank) {
        double total = 0;
        for (double v : eigen.values()) {
            total += Math.max(0, v);
        }
        double kept = 0;
        double[] singular = new double[rank];
        for (int j = 0; j < rank; j++) {
            double v = Math.max(0, eigen.values()[j]);
            kept += v;
            singular[j] = Math.sqrt(v);
        }
        double fraction = total > 0 ? Math.min(1.0, kept / total) : 0.0;
        return new Subspace(eigen.vectors(), singular, fraction);
    }

    private void flush() {
        if (pendingRows == 0) {
            return;
        }
        if (pendingRows < blockRows) {
            // Zero rows add nothing to the Gram, so a partial block is padded with zeros.
            java.util.Arrays.fill(pending, pendingRows * dimension, pending.length, 0.0);
        }
        try (INDArray block = Nd4j.create(pending, new long[] {blockRows, dimension}, DataType.DOUBLE)) {
            Nd4j.gemm(block, block, gram, true, false, 1.0, 1.0);
        }
        pendingRows = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This GramAccumulator is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            gram.close();
        }
    }
}
