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
}
