/**
 * Subspaces of recorded trajectories, built in memory that grows with the feature dimension
 * and the rank, never with steps x probes.
 *
 * <ul>
 *   <li>{@link dev.stemma.analyzer.linalg.GramAccumulator}: representation increments (rows of
 *       dimension d, any number of them) streamed into a d x d Gram in double precision; its
 *       top-k eigenvectors are the top-k left singular vectors of the increments.</li>
 *   <li>{@link dev.stemma.analyzer.linalg.StepGramSubspaces}: weight updates (steps x LoRA
 *       parameters) read as column blocks, e.g. one adapted layer at a time; the steps x steps
 *       Gram from one pass, the right singular vectors from a second (v = A^T u / sigma).</li>
 *   <li>{@link dev.stemma.analyzer.linalg.RandomSubspace}: the seeded control of the same rank.</li>
 * </ul>
 *
 * <p>Eigen-decompositions use LAPACK {@code syev} through ND4J: it works in 1.0.0-M2.1 and is
 * about 9x faster than {@code gesvd} on a 1024 x 1024 Gram here (1.9 s against 17.6 s); the
 * {@code svd} custom op is not used (broken in that version, see STYLE.md).
 */
package dev.stemma.analyzer.linalg;
