package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.linalg.ColumnBlockSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GradientMethodsTest {

    private static final int CONCEPTS = 3;
    private static final int PER_CONCEPT = 20;
    private static final int PARAMETERS = 400;
    private static final int CHECKPOINTS = 3;
    private static final int STEPS = 40;
    private static final double NOISE = 15.0; // norm of the gradient noise, against 1 of signal
    private static final Random RANDOM = new Random(13);
    private static final float[][] DIRECTIONS = new float[CONCEPTS][];
    private static float[][][] gradients; // [item][checkpoint][parameter]
    private static Analyzer analyzer;
    private static TrainingSet trainingSet;
    private static ColumnBlockSource updateBlocks;

    /** Serves gradients through one reused buffer, so a scorer that kept references would break; counts its streams. */
    static final class ReusingReader implements GradientReader {
        private final float[] buffer = new float[PARAMETERS];
        private int streams;

        @Override
        public int checkpoints() {
            return CHECKPOINTS;
        }

        @Override
        public int parameters() {
            return PARAMETERS;
        }

        @Override
        public void forEachGradient(GradientVisitor visitor) {
            streams++;
            for (int c = 0; c < CHECKPOINTS; c++) {
                for (int i = 0; i < gradients.length; i++) {
                    System.arraycopy(gradients[i][c], 0, buffer, 0, PARAMETERS);
                    visitor.visit(i, c, buffer);
                }
            }
        }
    }

    @BeforeAll
    static void build() {
        List<TrainingItem> items = new ArrayList<>();
        gradients = new float[CONCEPTS * PER_CONCEPT][][];
        for (int c = 0; c < CONCEPTS; c++) {
            DIRECTIONS[c] = unit();
        }
        for (int c = 0; c < CONCEPTS; c++) {
            for (int i = 0; i < PER_CONCEPT; i++) {
                items.add(new TrainingItem("c" + c + "-" + i, "concept-" + c));
                gradients[c * PER_CONCEPT + i] = gradientsOf(c);
            }
        }
        // The recorded LoRA updates move along the concept directions, plus a little noise.
        float[][] updates = new float[STEPS][PARAMETERS];
        for (float[] row : updates) {
            double[] mix = {RANDOM.nextGaussian(), RANDOM.nextGaussian(), RANDOM.nextGaussian()};
            for (int p = 0; p < PARAMETERS; p++) {
                row[p] = (float) (mix[0] * DIRECTIONS[0][p] + mix[1] * DIRECTIONS[1][p] + mix[2] * DIRECTIONS[2][p] + 0.01 * RANDOM.nextGaussian());
            }
        }
        ColumnBlockSource blocks = new ColumnBlockSource() {
            @Override
            public int rows() {
                return STEPS;
            }

            @Override
            public int columns() {
                return PARAMETERS;
            }

            @Override
            public void forEachBlock(BlockVisitor visitor) {
                for (int first = 0; first < PARAMETERS; first += 150) {
                    int width = Math.min(150, PARAMETERS - first);
                    float[] values = new float[STEPS * width];
                    for (int t = 0; t < STEPS; t++) {
                        System.arraycopy(updates[t], first, values, t * width, width);
                    }
                    visitor.visit(first, width, values);
                }
            }
        };
        updateBlocks = blocks;
        trainingSet = new TrainingSet(items);
        analyzer = Analyzer.builder("gradients", trainingSet)
                .gradients(new ReusingReader(), blocks, GradientConfig.defaults().withRank(CONCEPTS))
                .build();
    }

    @Test
    void shouldBuildEveryGradientMethodButTracinFromOneStreamOfTheTrainingGradients() {
        ReusingReader reader = new ReusingReader();
        Analyzer built = Analyzer.builder("gradients", trainingSet)
                .gradients(reader, updateBlocks, GradientConfig.defaults().withRank(CONCEPTS), false)
                .build();
        assertEquals(List.of(Analyzer.TRAK, Analyzer.WEIGHT_SUBSPACE, Analyzer.WEIGHT_SUBSPACE_RANDOM), built.methods());
        assertEquals(1, reader.streams);
    }

    @Test
    void shouldFindTheDirectionsTheWeightsMovedIn() {
        assertEquals(CONCEPTS, analyzer.subspaces().get("weights").rank());
        assertTrue(analyzer.subspaces().get("weights").energyFraction() > 0.95);
    }

    @Test
    void shouldDenoiseGradientsByProjectingOnTheWeightSubspace() {
        double subspace = topOne(Analyzer.WEIGHT_SUBSPACE);
        double random = topOne(Analyzer.WEIGHT_SUBSPACE_RANDOM);
        double tracin = topOne(Analyzer.TRACIN);
        assertTrue(subspace >= 0.9, "weight subspace top-1 " + subspace);
        assertTrue(random <= 0.7, "random control top-1 " + random);
        assertTrue(subspace >= tracin + 0.2, "weight subspace " + subspace + " vs full gradients " + tracin);
    }

    @Test
    void shouldScoreTracInAsTheMeanCosineOverCheckpoints() {
        float[][] query = gradientsOf(1);
        Attribution a = analyzer.attribute(Analyzer.TRACIN, Query.empty().withGradients(query));
        for (int item : new int[] {0, 25, 59}) {
            double expected = 0;
            for (int c = 0; c < CHECKPOINTS; c++) {
                expected += cosine(query[c], gradients[item][c]) / CHECKPOINTS;
            }
            assertEquals(expected, a.imageScores()[item], 1e-5);
        }
    }

    private static double topOne(String method) {
        int correct = 0;
        int total = 0;
        for (int c = 0; c < CONCEPTS; c++) {
            for (int q = 0; q < 10; q++) {
                Attribution a = analyzer.attribute(method, Query.empty().withGradients(gradientsOf(c)));
                correct += a.topConcept().equals("concept-" + c) ? 1 : 0;
                total++;
            }
        }
        return (double) correct / total;
    }

    private static float[][] gradientsOf(int concept) {
        float[] own = unit();
        float[][] g = new float[CHECKPOINTS][PARAMETERS];
        double noise = NOISE / Math.sqrt(PARAMETERS);
        for (int c = 0; c < CHECKPOINTS; c++) {
            for (int p = 0; p < PARAMETERS; p++) {
                g[c][p] = (float) (DIRECTIONS[concept][p] + 0.3 * own[p] + noise * RANDOM.nextGaussian());
            }
        }
        return g;
    }

    private static float[] unit() {
        float[] v = new float[PARAMETERS];
        for (int p = 0; p < PARAMETERS; p++) {
            v[p] = (float) RANDOM.nextGaussian();
        }
        UnitBlockIndex.normalise(v, 0, PARAMETERS);
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
