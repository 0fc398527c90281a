package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingMethodsTest {

    private static final int CONCEPTS = 3;
    private static final int PER_CONCEPT = 100;
    private static final int D = 24;
    private static final float[][] CENTRES = new float[CONCEPTS][];
    private static Analyzer analyzer;

    @BeforeAll
    static void build() {
        Random random = new Random(31);
        List<TrainingItem> items = new ArrayList<>();
        float[][] vectors = new float[CONCEPTS * PER_CONCEPT][];
        for (int c = 0; c < CONCEPTS; c++) {
            CENTRES[c] = gaussian(2.0, random);
            for (int i = 0; i < PER_CONCEPT; i++) {
                items.add(new TrainingItem("c" + c + "-" + i, "concept-" + c));
                vectors[c * PER_CONCEPT + i] = near(CENTRES[c], random);
            }
        }
        analyzer = Analyzer.builder("clusters", new TrainingSet(items)).embedding("pixels", vectors).build();
    }

    @Test
    void shouldRegisterCosineBothNeighbourSearchesAndConceptSubspacesUnderTheEmbeddingsName() {
        assertEquals(List.of("embedding-cosine:pixels", "knn-exact:pixels", "knn-hnsw:pixels", "concept-subspace:pixels"),
                analyzer.methods());
    }

    @Test
    void shouldBuildOnlyTheMethodsAskedForAndRefuseOnesTheInputsCannotGive() {
        List<TrainingItem> items = new ArrayList<>();
        float[][] vectors = new float[6][];
        Random random = new Random(35);
        for (int i = 0; i < 6; i++) {
            items.add(new TrainingItem("i" + i, "concept-" + (i % 2)));
            vectors[i] = gaussian(1.0, random);
        }
        TrainingSet set = new TrainingSet(items);
        Analyzer one = Analyzer.builder("only", set).only(List.of("knn-exact:pixels")).embedding("pixels", vectors).build();
        assertEquals(List.of("knn-exact:pixels"), one.methods());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Analyzer.builder("only", set).only(List.of("trajectory-cosine")).embedding("pixels", vectors).build());
        assertTrue(e.getMessage().contains("trajectory-cosine"), e.getMessage());
    }

    @Test
    void shouldAttributeClusterMembersToTheirConceptWithEveryMethod() {
        Random random = new Random(32);
        for (String method : analyzer.methods()) {
            int correct = 0;
            StringBuilder misses = new StringBuilder();
            for (int c = 0; c < CONCEPTS; c++) {
                for (int q = 0; q < 10; q++) {
                    Attribution a = analyzer.attribute(method, Query.empty().withEmbedding("pixels", near(CENTRES[c], random)));
                    assertEquals(1.0, TrajectoryCosineTest.sum(a.shares()), 1e-9);
                    boolean right = a.topConcept().equals("concept-" + c) && !a.confidence().low();
                    correct += right ? 1 : 0;
                    if (!right) {
                        misses.append(' ').append(a.topConcept()).append(a.confidence()).append(java.util.Arrays.toString(a.shares()));
                    }
                }
            }
            // Confidence marks low a query less similar to its nearest training image than 97.5% of the training
            // images are to theirs (Calibration): about 1 genuine query in 40, by design.
            assertTrue(correct >= 28, method + ": " + correct + " of 30 correct and confident;" + misses);
        }
    }

    @Test
    void shouldFindNearlyTheSameNeighboursWithHnswAsExactly() {
        Random random = new Random(33);
        double overlap = 0;
        int queries = 30;
        for (int q = 0; q < queries; q++) {
            Query query = Query.empty().withEmbedding("pixels", near(CENTRES[q % CONCEPTS], random));
            Set<Integer> exact = indices(analyzer.attribute("knn-exact:pixels", query).topItems(10));
            Set<Integer> approximate = indices(analyzer.attribute("knn-hnsw:pixels", query).topItems(10));
            assertEquals(10, exact.size());
            approximate.retainAll(exact);
            overlap += approximate.size() / 10.0 / queries;
        }
        assertTrue(overlap >= 0.9, "HNSW recall@10 " + overlap);
    }

    @Test
    void shouldGiveQueriesFarFromEveryClusterLowConfidence() {
        Random random = new Random(34);
        for (String method : analyzer.methods()) {
            for (int q = 0; q < 10; q++) {
                Attribution a = analyzer.attribute(method, Query.empty().withEmbedding("pixels", gaussian(2.0, random)));
                assertTrue(a.confidence().low(), method + " noise " + a.confidence());
            }
        }
    }

    private static Set<Integer> indices(List<ScoredItem> items) {
        Set<Integer> set = new HashSet<>();
        items.forEach(i -> set.add(i.index()));
        return set;
    }

    private static float[] near(float[] centre, Random random) {
        float[] v = gaussian(0.5, random);
        for (int i = 0; i < D; i++) {
            v[i] += centre[i];
        }
        return v;
    }

    private static float[] gaussian(double scale, Random random) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }
}
