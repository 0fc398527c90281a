package dev.stemma.analyzer;

import java.util.Arrays;

/**
 * The default share rule. A concept's score is the expected best image score among m of its
 * images drawn at random without replacement, with m the same for every concept (the configured
 * subset size, capped at the smallest concept): an unbiased U-statistic, computed exactly from
 * the sorted scores, of a quantity that does not depend on how many images a concept has. A max
 * or a mean of the top few rewards a concept with 80 images over one with 8 from the same
 * distribution just for having more draws (ConceptSharesTest measures it). Shares are a softmax
 * of concept scores over a temperature calibrated on the training set, which keeps shares
 * comparable across methods whose cosines live on different scales.
 */
final class SubsetMaxSoftmax implements ShareRule {

    private final TrainingSet set;
    private final int subsetSize;
    private final double temperature;

    SubsetMaxSoftmax(TrainingSet set, int subsetSize, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("Temperature must be positive, got " + temperature);
        }
        if (subsetSize < 1) {
            throw new IllegalArgumentException("Subset size must be at least 1, got " + subsetSize);
        }
        this.set = set;
        this.subsetSize = subsetSize;
        this.temperature = temperature;
    }

    /** The configured subset size capped at the smallest concept's size. */
    static int effectiveSubsetSize(TrainingSet set, int configured) {
        int smallest = Integer.MAX_VALUE;
        for (int c = 0; c < set.concepts().size(); c++) {
            smallest = Math.min(smallest, set.memberCount(c));
        }
        return Math.max(1, Math.min(configured, smallest));
    }

    double temperature() {
        return temperature;
    }

    @Override
    public double[] shares(float[] imageScores) {
        return softmax(conceptScores(set, subsetSize, imageScores), temperature);
    }

    /**
     * Each concept's expected maximum over a random m-subset of its finite image scores: with
     * the n scores sorted ascending, sum over j >= m of s_(j) C(j-1, m-1) / C(n, m). A concept
     * with fewer than m finite scores uses all of them (m = n); with none, NaN.
     */
    static double[] conceptScores(TrainingSet set, int subsetSize, float[] imageScores) {
        int concepts = set.concepts().size();
        double[] result = new double[concepts];
        for (int c = 0; c < concepts; c++) {
            int size = set.memberCount(c);
            float[] own = new float[size];
            int finite = 0;
            for (int r = 0; r < size; r++) {
                float score = imageScores[set.member(c, r)];
                if (!Float.isNaN(score)) {
                    own[finite++] = score;
                }
            }
            if (finite == 0) {
                result[c] = Double.NaN;
                continue;
            }
            Arrays.sort(own, 0, finite);
            result[c] = expectedSubsetMax(own, finite, Math.min(subsetSize, finite));
        }
        return result;
    }

    /** E[max of m of the first n sorted values drawn without replacement]. */
    static double expectedSubsetMax(float[] sortedAscending, int n, int m) {
        // weight of the j-th smallest (1-based) is C(j-1, m-1) / C(n, m), computed in logs.
        double logTotal = logChoose(n, m);
        double sum = 0;
        for (int j = m; j <= n; j++) {
            sum += sortedAscending[j - 1] * Math.exp(logChoose(j - 1, m - 1) - logTotal);
        }
        return sum;
    }

    private static double logChoose(int n, int k) {
        double result = 0;
        for (int i = 1; i <= k; i++) {
            result += Math.log(n - k + i) - Math.log(i);
        }
        return result;
    }

    /** Softmax of {@code scores / temperature}; NaN scores get 0; all NaN gives uniform. */
    static double[] softmax(double[] scores, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            if (!Double.isNaN(s)) {
                max = Math.max(max, s);
            }
        }
        double[] shares = new double[scores.length];
        if (max == Double.NEGATIVE_INFINITY) {
            Arrays.fill(shares, 1.0 / scores.length);
            return shares;
        }
        double sum = 0;
        for (int c = 0; c < scores.length; c++) {
            shares[c] = Double.isNaN(scores[c]) ? 0 : Math.exp((scores[c] - max) / temperature);
            sum += shares[c];
        }
        for (int c = 0; c < scores.length; c++) {
            shares[c] /= sum;
        }
        return shares;
    }

    /**
     * The temperature: the median, over training items scored leave-one-out, of the standard
     * deviation of their concept scores. A training image's own concept then typically stands
     * one to three temperatures above the rest, whatever the method's cosine scale.
     */
    static double calibrateTemperature(TrainingSet set, int subsetSize, float[][] trainingScores) {
        double[] spreads = new double[trainingScores.length];
        int count = 0;
        for (float[] scores : trainingScores) {
            double[] concept = conceptScores(set, subsetSize, scores);
            double sum = 0;
            double sumSquares = 0;
            int n = 0;
            for (double s : concept) {
                if (!Double.isNaN(s)) {
                    sum += s;
                    sumSquares += s * s;
                    n++;
                }
            }
            if (n > 1) {
                double mean = sum / n;
                spreads[count++] = Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
            }
        }
        if (count == 0) {
            return 1.0; // one concept: the temperature does not matter
        }
        Arrays.sort(spreads, 0, count);
        double median = count % 2 == 1 ? spreads[count / 2] : (spreads[count / 2 - 1] + spreads[count / 2]) / 2;
        return Math.max(median, 1e-6);
    }
}
