package dev.stemma.analyzer.linalg;

/**
 * A matrix of {@code rows()} x {@code columns()} floats read as blocks of whole columns, e.g.
 * the updates of one adapted LoRA layer at every recorded step. Must be readable more than once:
 * {@link StepGramSubspaces} reads it twice.
 */
public interface ColumnBlockSource {

    /** Receives one block: {@code rows() x width} values, row-major. */
    @FunctionalInterface
    interface BlockVisitor {
        void visit(int firstColumn, int width, float[] rowMajor);
    }

    /** Number of rows (recorded steps). */
    int rows();

    /** Number of columns (parameters). */
    int columns();

    /**
     * Hands every column block to {@code visitor}, once each, covering all columns without
     * overlap, in any order. The array may be reused after {@code visit} returns.
     */
    void forEachBlock(BlockVisitor visitor);
}
