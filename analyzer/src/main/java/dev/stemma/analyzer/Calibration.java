package dev.stemma.analyzer;

import java.util.Arrays;

/**
 * What a method's answers look like on its own training set, scored leave-one-out: the
 * similarity of each sampled training item to its nearest other training item (a query whose
 * nearest similarity falls below all of them looks like nothing the run trained on), and how
 * concentrated their concept shares are (the level a decisive answer reaches with this method,
 * this number of concepts and this temperature).
 */
final class Calibration {

    /**
     * Training items' nearest similarities below this quantile make a query less than fully
     * typical: 90% of queries that resemble training items as much as they resemble each other
     * get typicality 1, while blank and noise queries, below all of them, get 0.
     */
    static final double TYPICAL_QUANTILE = 0.1;

    private final float[] nearest; // sorted ascending
    private final double typicalConcentration;

    Calibration(float[][] trainingScores, ShareRule rule) {
        float[] values = new float[trainingScores.length];
        int count = 0;
        for (float[] scores : trainingScores) {
            float best = nearestSimilarity(scores);
            if (!Float.isNaN(best)) {
                values[count++] = best;
            }
        }
        if (count == 0) {
            throw new IllegalStateException("Calibration found no scored neighbour for any sampled training item");
        }
        this.nearest = Arrays.copyOf(values, count);
        Arrays.sort(this.nearest);
        double[] concentrations = new double[trainingScores.length];
        for (int i = 0; i < trainingScores.length; i++) {
            concentrations[i] = concentration(rule.shares(trainingScores[i]));
        }
        Arrays.sort(concentrations);
        int n = concentrations.length;
        double median = n % 2 == 1 ? concentrations[n / 2] : (concentrations[n / 2 - 1] + concentrations[n / 2]) / 2;
        this.typicalConcentration = Math.max(median, 1e-6);
    }

    /** Median concentration of the training items' own shares. */
    double typicalConcentration() {
        return typicalConcentration;
    }

    /** 1 - entropy / log(concepts); 1 when there is a single concept. */
    static double concentration(double[] shares) {
        if (shares.length < 2) {
            return 1;
        }
        double entropy = 0;
        for (double s : shares) {
            if (s > 0) {
                entropy -= s * Math.log(s);
            }
        }
        return Math.max(0, 1 - entropy / Math.log(shares.length));
    }

    /** min(1, F(s) / {@value #TYPICAL_QUANTILE}) for the empirical distribution F of training nearest similarities. */
    double typicality(float nearestSimilarity) {
        if (Float.isNaN(nearestSimilarity)) {
            return 0;
        }
        int atOrBelow = 0;
        while (atOrBelow < nearest.length && nearest[atOrBelow] <= nearestSimilarity) {
            atOrBelow++;
        }
        return Math.min(1.0, (double) atOrBelow / nearest.length / TYPICAL_QUANTILE);
    }

    static float nearestSimilarity(float[] scores) {
        float best = Float.NaN;
        for (float s : scores) {
            if (!Float.isNaN(s) && (Float.isNaN(best) || s > best)) {
                best = s;
            }
        }
        return best;
    }

    /** Up to {@code size} distinct training items drawn with {@code seed}, in ascending order. */
    static int[] sample(int items, int size, long seed) {
        int[] all = new int[items];
        for (int i = 0; i < items; i++) {
            all[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = items - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = Arrays.copyOf(all, Math.min(size, items));
        Arrays.sort(chosen);
        return chosen;
    }
}
