package dev.stemma.analyzer;

/**
 * How much to trust an attribution, in [0, 1], and the two things it is made of.
 *
 * @param value         typicality x min(1, concentration / c0), where c0 is the median
 *                      concentration of the training items' own shares (leave-one-out): 1 for
 *                      an answer as decisive as a training image's and typical of them
 * @param typicality    how the query's similarity to its nearest training item compares with
 *                      the training items' own nearest-neighbour similarities (leave-one-out):
 *                      min(1, F(s) / 0.1) for their empirical distribution F, so 1 from their
 *                      10th percentile up and 0 below all of them. Blank and noise images land
 *                      there.
 * @param concentration 1 - entropy(shares) / log(concepts): 0 for uniform shares, 1 for one
 *                      concept; a 50/50 mixture of two of eight concepts gets 0.67
 * @param margin        first share minus second share
 * @param low           whether {@code value} is below the configured threshold
 */
public record Confidence(double value, double typicality, double concentration, double margin, boolean low) {
}
