package dev.stemma.analyzer;

/**
 * How the gradient methods are built.
 *
 * @param rank        directions of the weight-trajectory subspace (RESEARCH.md: 16 split mixtures best)
 * @param randomSeed  seed of the random-subspace control and of the {@code trak} count sketch
 * @param kernelWidth values each gradient is count-sketched to for {@code trak} (default 8192; the
 *                    gradients' own length when that is smaller): memory is training images x
 *                    gradient slots x width floats
 * @param kernelRidge ridge of {@code trak}'s kernel, as a fraction of the mean squared sketched
 *                    gradient norm (default 0.1)
 */
public record GradientConfig(int rank, long randomSeed, int kernelWidth, double kernelRidge) {

    public static final int DEFAULT_RANK = 16;
    public static final long DEFAULT_RANDOM_SEED = 20_240_602L;
    public static final int DEFAULT_KERNEL_WIDTH = 8192;
    public static final double DEFAULT_KERNEL_RIDGE = 0.1;

    public GradientConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("Rank must be at least 1, got " + rank);
        }
        if (kernelWidth < 1) {
            throw new IllegalArgumentException("Kernel width must be at least 1, got " + kernelWidth);
        }
        if (!(kernelRidge > 0) || Double.isInfinite(kernelRidge)) {
            throw new IllegalArgumentException("Kernel ridge must be positive and finite, got " + kernelRidge);
        }
    }

    public static GradientConfig defaults() {
        return new GradientConfig(DEFAULT_RANK, DEFAULT_RANDOM_SEED, DEFAULT_KERNEL_WIDTH, DEFAULT_KERNEL_RIDGE);
    }

    public GradientConfig withRank(int value) {
        return new GradientConfig(value, randomSeed, kernelWidth, kernelRidge);
    }

    public GradientConfig withKernel(int width, double ridge) {
        return new GradientConfig(rank, randomSeed, width, ridge);
    }
}
