package dev.stemma.analyzer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.TwoConcepts;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearDatamodelingTest {

    private static TrainingSet set(int big, int small) {
        return TwoConcepts.of(big, small);
    }

    @Test
    void halvesKeepHalfOfEveryConceptRoundedUpAndFollowTheSeed() {
        TrainingSet set = set(9, 1);
        boolean[][] halves = LinearDatamodeling.drawHalves(set, 16, 3);
        int distinct = 0;
        for (int h = 0; h < halves.length; h++) {
            int big = 0;
            for (int i = 0; i < 9; i++) {
                big += halves[h][i] ? 1 : 0;
            }
            assertEquals(5, big, "ceil(9 / 2) of the big concept");
            assertTrue(halves[h][9], "a concept of one image keeps it: every retrained model knows every concept");
            if (h > 0 && !java.util.Arrays.equals(halves[h], halves[h - 1])) {
                distinct++;
            }
        }
        assertTrue(distinct >= 10, "halves differ from one another: " + distinct);
        assertArrayEquals(halves[4], LinearDatamodeling.drawHalves(set, 16, 3)[4]);
    }

    @Test
    void scoresThatPredictWhichHalvesLowerTheLossGetLdsOneAndReversedScoresMinusOne() {
        TrainingSet set = set(20, 0);
        boolean[][] halves = LinearDatamodeling.drawHalves(set, 16, 11);
        Random random = new Random(2);
        float[] influence = new float[20];
        for (int i = 0; i < influence.length; i++) {
            influence[i] = (float) random.nextGaussian();
        }
        double[][] losses = new double[16][2];
        for (int h = 0; h < 16; h++) {
            double sum = 0;
            for (int i = 0; i < 20; i++) {
                sum += halves[h][i] ? influence[i] : 0;
            }
            losses[h][0] = 1.0 - 0.01 * sum; // images that help this generation lower its loss
            losses[h][1] = Double.NaN; // a control: no LDS
        }
        LinearDatamodeling lds = new LinearDatamodeling(halves, losses);
        float[] reversed = new float[20];
        for (int i = 0; i < 20; i++) {
            reversed[i] = -influence[i];
        }
        assertEquals(1.0, lds.score(0, influence), 1e-9);
        assertEquals(-1.0, lds.score(0, reversed), 1e-9);
        assertTrue(Double.isNaN(lds.score(1, influence)));
        assertTrue(Double.isNaN(lds.score(0, new float[20])), "constant scores predict nothing");
    }

    @Test
    void theCeilingIsOneWhenTheDrawsAgreeAndFallsAsTheirNoiseDrownsTheDifferencesBetweenHalves() {
        TrainingSet set = set(20, 0);
        int m = 16;
        int generations = 200;
        boolean[][] halves = LinearDatamodeling.drawHalves(set, m, 5);
        Random random = new Random(9);
        // column 0: draws that agree; 1..200: draw noise a tenth of the differences between halves;
        // 201..400: ten times them; 401: a control
        int columns = 2 + 2 * generations;
        double[][] even = new double[m][columns];
        double[][] odd = new double[m][columns];
        for (int g = 0; g < columns; g++) {
            double noise = g == 0 ? 0 : g <= generations ? 0.001 : 0.1;
            for (int h = 0; h < m; h++) {
                double truth = 1.0 + 0.01 * random.nextGaussian();
                even[h][g] = g == columns - 1 ? Double.NaN : truth + noise * random.nextGaussian();
                odd[h][g] = g == columns - 1 ? Double.NaN : truth + noise * random.nextGaussian();
            }
        }
        LinearDatamodeling lds = new LinearDatamodeling(halves, even, odd);
        assertEquals(1.0, lds.ceiling(0), 1e-9);
        double quiet = 0;
        double noisy = 0;
        for (int g = 1; g <= generations; g++) {
            quiet += lds.ceiling(g) / generations;
            noisy += lds.ceiling(generations + g) / generations;
        }
        assertTrue(quiet > 0.9, "quiet draws leave a high ceiling: " + quiet);
        assertTrue(noisy < 0.4, "noisy draws leave a low ceiling: " + noisy);
        assertTrue(Double.isNaN(lds.ceiling(columns - 1)), "a control has none");
        assertEquals((even[3][1] + odd[3][1]) / 2, lds.loss(3, 1), 1e-12, "the loss is the mean of both groups");
    }
}
