package dev.stemma.analyzer.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * A percentile bootstrap interval: the statistic on the sample, and the alpha/2 and 1-alpha/2
 * quantiles of the statistic over {@code resamples} resamples drawn with replacement.
 *
 * @param estimate the statistic on the whole sample
 * @param lower    lower bound
 * @param upper    upper bound
 * @param level    coverage, 1 - alpha
 */
public record BootstrapInterval(double estimate, double lower, double upper, double level) {

    public static final int DEFAULT_RESAMPLES = 2000;
    public static final double DEFAULT_LEVEL = 0.95;

    /** The mean of {@code values} with a 95% interval from 2000 resamples. */
    public static BootstrapInterval ofMean(double[] values, long seed) {
        return of(values, v -> Arrays.stream(v).average().orElseThrow(), DEFAULT_RESAMPLES, DEFAULT_LEVEL, seed);
    }

    /** Any statistic of a sample of per-case values (e.g. per-generation correctness). */
    public static BootstrapInterval of(double[] values, ToDoubleFunction<double[]> statistic, int resamples, double level, long seed) {
        if (values.length == 0) {
            throw new IllegalArgumentException("A bootstrap needs at least one value");
        }
        if (resamples < 10) {
            throw new IllegalArgumentException("Use at least 10 resamples, got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("Level must be in (0, 1), got " + level);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] statistics = new double[resamples];
        double[] resample = new double[values.length];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < values.length; i++) {
                resample[i] = values[random.nextInt(values.length)];
            }
            statistics[b] = statistic.applyAsDouble(resample);
        }
        Arrays.sort(statistics);
        double alpha = 1 - level;
        return new BootstrapInterval(statistic.applyAsDouble(values.clone()),
                quantile(statistics, alpha / 2), quantile(statistics, 1 - alpha / 2), level);
    }

    /** Linear interpolation between order statistics (type 7). */
    static double quantile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
