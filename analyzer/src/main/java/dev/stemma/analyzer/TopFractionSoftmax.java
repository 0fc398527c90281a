package dev.stemma.analyzer;

import java.util.Arrays;

/**
 * The default share rule. A concept's score is the mean of its top ceil(f x size) image scores
 * (at least one): a fixed quantile of the concept's own score distribution, so that a concept
 * with 80 images does not beat one with 8 drawn from the same distribution just by having more
 * draws, as a max or a fixed top-m would. Shares are a softmax of concept scores over a
 * temperature calibrated on the training set, which keeps shares comparable across methods
 * whose cosines live on different scales.
 */
final class TopFractionSoftmax implements ShareRule {

    private final TrainingSet set;
    private final double topFraction;
    private final double temperature;

    TopFractionSoftmax(TrainingSet set, double topFraction, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("Temperature must be positive, got " + temperature);
        }
        this.set = set;
        this.topFraction = topFraction;
        this.temperature = temperature;
    }

    double temperature() {
        return temperature;
    }

    @Override
    public double[] shares(float[] imageScores) {
        return softmax(conceptScores(set, topFraction, imageScores), temperature);
    }

    /** Mean of each concept's top ceil(f x size) finite image scores; NaN if it has none. */
    static double[] conceptScores(TrainingSet set, double topFraction, float[] imageScores) {
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
            int top = Math.max(1, Math.min(finite, (int) Math.ceil(topFraction * size)));
            double sum = 0;
            for (int r = finite - top; r < finite; r++) {
                sum += own[r];
            }
            result[c] = sum / top;
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
    static double calibrateTemperature(TrainingSet set, double topFraction, float[][] trainingScores) {
        double[] spreads = new double[trainingScores.length];
        int count = 0;
        for (float[] scores : trainingScores) {
            double[] concept = conceptScores(set, topFraction, scores);
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
