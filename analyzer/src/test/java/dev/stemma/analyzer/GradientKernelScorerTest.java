package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.linalg.CountSketch;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientKernelScorerTest {

    private static final int ITEMS = 40;
    private static final int SLOTS = 2;
    private static final int PARAMETERS = 300;
    private static final double RIDGE = 0.1;

    /** Gradients held in memory, served through one reused buffer. */
    private record FixedReader(float[][][] gradients) implements GradientReader {
        @Override
        public int checkpoints() {
            return gradients[0].length;
        }

        @Override
        public int parameters() {
            return gradients[0][0].length;
        }

        @Override
        public void forEachGradient(GradientVisitor visitor) {
            float[] buffer = new float[parameters()];
            for (int s = 0; s < checkpoints(); s++) {
                for (int i = 0; i < gradients.length; i++) {
                    System.arraycopy(gradients[i][s], 0, buffer, 0, buffer.length);
                    visitor.visit(i, s, buffer);
                }
            }
        }
    }

    @Test
    void shouldPutTheTrainingImageWhoseGradientsTheQueryHasFirst() {
        float[][][] g = gaussianGradients(new Random(1));
        ImageScorer scorer = build(g);
        for (int item : new int[] {0, 7, 39}) {
            float[] scores = scorer.scores(Query.empty().withGradients(g[item]));
            assertEquals(item, argmax(scores), "query = training image " + item);
        }
    }

    @Test
    void shouldScoreALeftOutImageAsTheRegressionOnAllOthers() {
        float[][][] g = gaussianGradients(new Random(2));
        int left = 11;
        float[] closedForm = build(g).scoresOfTrainingItems(new int[] {left})[0];
        assertTrue(Float.isNaN(closedForm[left]), "its own score is left out");
        double[] expected = new double[ITEMS];
        for (int s = 0; s < SLOTS; s++) {
            double[][] gram = new double[ITEMS][ITEMS];
            double trace = 0;
            for (int i = 0; i < ITEMS; i++) {
                for (int j = 0; j < ITEMS; j++) {
                    gram[i][j] = dot(g[i][s], g[j][s]);
                }
                trace += gram[i][i];
            }
            double lambda = RIDGE * trace / ITEMS; // the whole set's ridge, as the method defines it
            int n = ITEMS - 1;
            double[][] system = new double[n][n + 1];
            for (int a = 0, i = 0; i < ITEMS; i++) {
                if (i == left) {
                    continue;
                }
                for (int b = 0, j = 0; j < ITEMS; j++) {
                    if (j != left) {
                        system[a][b++] = gram[i][j] + (i == j ? lambda : 0);
                    }
                }
                system[a++][n] = gram[i][left];
            }
            double[] c = solve(system);
            for (int a = 0, i = 0; i < ITEMS; i++) {
                if (i != left) {
                    expected[i] += c[a++];
                }
            }
        }
        for (int i = 0; i < ITEMS; i++) {
            if (i != left) {
                assertEquals(expected[i], closedForm[i], 1e-4 * (1 + Math.abs(expected[i])), "item " + i);
            }
        }
    }

    @Test
    void shouldCreditACopyOfALeftOutImage() {
        float[][][] g = gaussianGradients(new Random(3));
        g[1] = new float[][] {g[0][0].clone(), g[0][1].clone()};
        float[] scores = build(g).scoresOfTrainingItems(new int[] {0})[0];
        scores[0] = Float.NEGATIVE_INFINITY;
        assertEquals(1, argmax(scores));
    }

    @Test
    void shouldScoreEveryImageZeroWhenNoGradientMoves() {
        float[][][] g = new float[ITEMS][SLOTS][PARAMETERS];
        ImageScorer scorer = build(g);
        for (float s : scorer.scores(Query.empty().withGradients(gaussianGradients(new Random(4))[0]))) {
            assertEquals(0f, s);
        }
    }

    private static ImageScorer build(float[][][] g) {
        FixedReader reader = new FixedReader(g);
        GradientSink sink = GradientKernelScorer.collect("trak", ITEMS, reader, CountSketch.of(PARAMETERS, 8192, 1), RIDGE);
        reader.forEachGradient(sink);
        return sink.finish();
    }

    private static float[][][] gaussianGradients(Random random) {
        float[][][] g = new float[ITEMS][SLOTS][PARAMETERS];
        for (float[][] item : g) {
            for (float[] slot : item) {
                for (int p = 0; p < PARAMETERS; p++) {
                    slot[p] = (float) random.nextGaussian();
                }
            }
        }
        return g;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Gaussian elimination with partial pivoting of an n x (n + 1) augmented system. */
    private static double[] solve(double[][] m) {
        int n = m.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
