package dev.stemma.analyzer;

import java.util.Arrays;

/**
 * What a method's scores look like on its own training set, scored leave-one-out: the
 * similarity of each sampled training item to its nearest other training item. A query whose
 * nearest similarity falls below all of them looks like nothing the run trained on.
 */
final class Calibration {

    private final float[] nearest; // sorted ascending

    Calibration(float[][] trainingScores) {
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
    }

    /** min(1, 2 F(s)) for the empirical distribution F of training nearest similarities. */
    double typicality(float nearestSimilarity) {
        if (Float.isNaN(nearestSimilarity)) {
            return 0;
        }
        int atOrBelow = 0;
        while (atOrBelow < nearest.length && nearest[atOrBelow] <= nearestSimilarity) {
            atOrBelow++;
        }
        return Math.min(1.0, 2.0 * atOrBelow / nearest.length);
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
