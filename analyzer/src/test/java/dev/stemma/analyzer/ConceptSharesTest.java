package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConceptSharesTest {

    private static TrainingSet sized(int big, int small) {
        return TwoConcepts.of(big, small);
    }

    @Test
    void shouldNotFavourAConceptForHavingMoreImages() {
        // Both concepts' image scores come from the same distribution; one has 10x the images.
        TrainingSet set = sized(80, 8);
        Random random = new Random(2);
        double subsetRule = 0;
        double maxRule = 0;
        int trials = 400;
        for (int t = 0; t < trials; t++) {
            float[] scores = new float[set.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = (float) (0.1 * random.nextGaussian());
            }
            subsetRule += new SubsetMaxSoftmax(set, 4, 0.05).shares(scores)[0] / trials;
            // The plain maximum of each concept's scores: the count bias this rule avoids.
            double[] max = new double[2];
            for (int c = 0; c < 2; c++) {
                max[c] = Double.NEGATIVE_INFINITY;
                for (int i : set.members(c)) {
                    max[c] = Math.max(max[c], scores[i]);
                }
            }
            maxRule += SubsetMaxSoftmax.softmax(max, 0.05)[0] / trials;
        }
        assertEquals(0.5, subsetRule, 0.03, "share of the big concept under the subset rule");
        assertTrue(maxRule > 0.75, "the max rule gives the big concept " + maxRule);
    }

    @Test
    void shouldSumToOneAndBeUniformWhenScoresCannotTellConceptsApart() {
        TrainingSet set = sized(5, 3);
        SubsetMaxSoftmax rule = new SubsetMaxSoftmax(set, 3, 0.05);
        float[] flat = new float[set.size()];
        java.util.Arrays.fill(flat, 0.3f);
        assertArrayEquals(new double[] {0.5, 0.5}, rule.shares(flat), 1e-12);
        float[] unscored = new float[set.size()];
        java.util.Arrays.fill(unscored, Float.NaN);
        assertArrayEquals(new double[] {0.5, 0.5}, rule.shares(unscored), 1e-12);
        float[] leaning = {0.9f, 0.1f, 0.1f, 0.1f, 0.1f, 0.2f, 0.2f, 0.2f};
        double[] shares = rule.shares(leaning);
        assertEquals(1.0, shares[0] + shares[1], 1e-12);
        assertTrue(shares[0] > 0.99, "big has the one high score");
    }

    @Test
    void shouldGiveTheSameSharesWhateverTheScaleOfAMethodsScores() {
        TrainingSet set = sized(10, 10);
        Random random = new Random(6);
        float[][] training = new float[12][set.size()];
        for (float[] row : training) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextGaussian() + (i < 10 ? 0.5 : 0));
            }
        }
        float[][] scaled = new float[training.length][];
        for (int r = 0; r < training.length; r++) {
            scaled[r] = training[r].clone();
            for (int i = 0; i < scaled[r].length; i++) {
                scaled[r][i] = 0.1f * scaled[r][i] + 0.8f; // e.g. raw cosines crowded near 1
            }
        }
        double t1 = SubsetMaxSoftmax.calibrateTemperature(set, 4, training);
        double t2 = SubsetMaxSoftmax.calibrateTemperature(set, 4, scaled);
        assertEquals(0.1 * t1, t2, 1e-5 * t1);
        double[] a = new SubsetMaxSoftmax(set, 4, t1).shares(training[0]);
        double[] b = new SubsetMaxSoftmax(set, 4, t2).shares(scaled[0]);
        assertArrayEquals(a, b, 1e-4);
    }

    @Test
    void shouldComputeTheExpectedMaximumOfARandomSubsetExactly() {
        float[] sorted = {1, 2, 3, 4};
        // subsets of 2 of 4: maxima 2,3,4,3,4,4 -> mean 20/6
        assertEquals(20.0 / 6, SubsetMaxSoftmax.expectedSubsetMax(sorted, 4, 2), 1e-9);
        assertEquals(2.5, SubsetMaxSoftmax.expectedSubsetMax(sorted, 4, 1), 1e-9);
        assertEquals(4.0, SubsetMaxSoftmax.expectedSubsetMax(sorted, 4, 4), 1e-9);
    }

    @Test
    void shouldMeasureConcentrationFromZeroForUniformToOneForASingleConcept() {
        assertEquals(0.0, Calibration.concentration(new double[] {0.25, 0.25, 0.25, 0.25}), 1e-12);
        assertEquals(1.0, Calibration.concentration(new double[] {0, 1, 0, 0}), 1e-12);
        assertEquals(1 - Math.log(2) / Math.log(8), Calibration.concentration(new double[] {0.5, 0.5, 0, 0, 0, 0, 0, 0}), 1e-12);
    }

    @Test
    void shouldPlaceAQueryBelowEveryTrainingNeighbourAtZeroTypicality() {
        float[][] training = new float[20][];
        for (int i = 0; i < 20; i++) {
            training[i] = new float[] {Float.NaN, 0.5f + 0.02f * i, 0.1f}; // nearest: 0.50 .. 0.88
        }
        Calibration calibration = new Calibration(training, scores -> new double[] {0.5, 0.5});
        assertEquals(0.0, calibration.typicality(0.45f), 1e-12);
        assertEquals(0.5, calibration.typicality(0.50f), 1e-12); // 1 of 20 at or below: F = 0.05
        assertEquals(1.0, calibration.typicality(0.53f), 1e-12); // F = 0.1
        assertEquals(1.0, calibration.typicality(0.99f), 1e-12);
        assertEquals(0.0, calibration.typicality(Float.NaN), 1e-12);
    }
}
