package dev.stemma.analyzer.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void shouldCountAnswersWhoseLargestShareIsTheTruth() {
        double[][] shares = {{0.7, 0.2, 0.1}, {0.1, 0.3, 0.6}, {0.4, 0.5, 0.1}, {0.2, 0.2, 0.6}};
        assertEquals(0.75, Metrics.topOneAccuracy(shares, new int[] {0, 2, 1, 0}), 1e-12);
    }

    @Test
    void shouldGiveShiftedCosineOneForTheTruthAndOneHalfForOrthogonalShares() {
        assertEquals(1.0, Metrics.shiftedCosine(new double[] {0.5, 0.5, 0}, new double[] {1, 1, 0}), 1e-12);
        assertEquals(0.5, Metrics.shiftedCosine(new double[] {0, 0, 1}, new double[] {1, 0, 0}), 1e-12);
        // cos 45 degrees
        assertEquals((1 + Math.sqrt(0.5)) / 2, Metrics.shiftedCosine(new double[] {1, 0}, new double[] {0.5, 0.5}), 1e-12);
    }

    @Test
    void shouldAverageTiedRanksLikeCommonsMathSpearman() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Metrics.averageRanks(new double[] {1, 3, 3, 7}), 1e-12);
        Random random = new Random(4);
        for (int trial = 0; trial < 20; trial++) {
            double[] x = new double[15];
            double[] y = new double[15];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(5); // many ties
                y[i] = x[i] + random.nextInt(4);
            }
            assertEquals(new SpearmansCorrelation().correlation(x, y), Metrics.spearman(x, y), 1e-12);
        }
        assertEquals(-1.0, Metrics.spearman(new double[] {1, 2, 3}, new double[] {9, 4, 1}), 1e-12);
    }

    @Test
    void shouldMeasureRecallAndAveragePrecisionOfExemplars() {
        int[] ranking = {5, 2, 9, 1, 7, 3};
        Set<Integer> exemplars = Set.of(2, 7);
        assertEquals(0.5, Metrics.recallAtK(ranking, exemplars, 2), 1e-12);
        assertEquals(1.0, Metrics.recallAtK(ranking, exemplars, 5), 1e-12);
        // found at ranks 2 and 5: (1/2 + 2/5) / 2
        assertEquals((0.5 + 0.4) / 2, Metrics.averagePrecision(ranking, exemplars), 1e-12);
        assertEquals(1.0, Metrics.averagePrecision(new int[] {7, 2, 5}, exemplars), 1e-12);
        assertEquals((0.45 + 1.0) / 2, Metrics.meanAveragePrecision(new int[][] {ranking, {2, 7}}, List.of(exemplars, exemplars)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Metrics.recallAtK(ranking, Set.of(), 3));
    }

    @Test
    void shouldBracketTheMeanWithAReproducibleIntervalThatNarrowsWithMoreData() {
        Random random = new Random(8);
        double[] small = new double[30];
        double[] large = new double[3000];
        for (int i = 0; i < large.length; i++) {
            double v = random.nextDouble() < 0.7 ? 1 : 0; // Bernoulli(0.7) correctness
            large[i] = v;
            if (i < small.length) {
                small[i] = v;
            }
        }
        BootstrapInterval a = BootstrapInterval.ofMean(small, 1);
        BootstrapInterval b = BootstrapInterval.ofMean(small, 1);
        BootstrapInterval wide = BootstrapInterval.ofMean(large, 1);
        assertEquals(a, b);
        assertTrue(a.lower() <= a.estimate() && a.estimate() <= a.upper());
        assertTrue(wide.lower() < 0.7 && 0.7 < wide.upper(), "interval " + wide);
        assertTrue(wide.upper() - wide.lower() < (a.upper() - a.lower()) / 3, "large " + wide + " small " + a);
        // Binomial standard error at n = 3000 is 0.0084: a 95% interval is about 0.033 wide.
        assertEquals(0.033, wide.upper() - wide.lower(), 0.008);
    }
}
