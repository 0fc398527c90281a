package dev.stemma.analyzer;

/**
 * How the gradient methods are built.
 *
 * @param rank       directions of the weight-trajectory subspace (RESEARCH.md: 16 split mixtures best)
 * @param randomSeed seed of the random-subspace control
 */
public record GradientConfig(int rank, long randomSeed) {

    public static final int DEFAULT_RANK = 16;
    public static final long DEFAULT_RANDOM_SEED = 20_240_602L;

    public GradientConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("Rank must be at least 1, got " + rank);
        }
    }

    public static GradientConfig defaults() {
        return new GradientConfig(DEFAULT_RANK, DEFAULT_RANDOM_SEED);
    }

    public GradientConfig withRank(int value) {
        return new GradientConfig(value, randomSeed);
    }
}
