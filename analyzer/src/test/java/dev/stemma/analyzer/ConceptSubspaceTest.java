package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Concept subspaces on planted data: two concepts whose images vary along their own directions
 * around centres that are equally far from the query, and a two-image concept for the
 * leave-one-out rule.
 */
class ConceptSubspaceTest {

    private static final int D = 40;

    @Test
    void aQueryVaryingAlongOneConceptsDirectionsGoesToThatConcept() {
        Random random = new Random(3);
        // Both centres are at the same distance from the origin; what tells the concepts apart is
        // the directions their images vary along: A along axes 0-3, B along axes 4-7.
        float[] centreA = unitAxis(20, 1f);
        float[] centreB = unitAxis(21, 1f);
        List<TrainingItem> items = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            items.add(new TrainingItem("a" + i, "A"));
            rows.add(varied(centreA, 0, random));
        }
        for (int i = 0; i < 30; i++) {
            items.add(new TrainingItem("b" + i, "B"));
            rows.add(varied(centreB, 4, random));
        }
        float[][] vectors = rows.toArray(new float[0][]);
        Analyzer analyzer = Analyzer.builder("planted", new TrainingSet(items)).embedding("features", vectors).build();
        int right = 0;
        for (int q = 0; q < 20; q++) {
            // Halfway between the centres, moved along B's directions only.
            float[] query = new float[D];
            for (int d = 0; d < D; d++) {
                query[d] = (centreA[d] + centreB[d]) / 2;
            }
            for (int d = 4; d < 8; d++) {
                query[d] += (float) (3 * random.nextGaussian());
            }
            Attribution a = analyzer.attribute("concept-subspace:features", Query.empty().withEmbedding("features", query));
            assertEquals(1.0, TrajectoryCosineTest.sum(a.shares()), 1e-9);
            right += a.topConcept().equals("B") ? 1 : 0;
        }
        assertTrue(right >= 18, right + " of 20 queries along B's directions went to B");
    }

    @Test
    void trainingImagesAreScoredAgainstTheirConceptRebuiltWithoutThem() {
        Random random = new Random(5);
        List<TrainingItem> items = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(new TrainingItem("big" + i, "big"));
            rows.add(gaussian(random));
        }
        items.add(new TrainingItem("pair0", "pair"));
        rows.add(gaussian(random));
        items.add(new TrainingItem("pair1", "pair"));
        rows.add(gaussian(random));
        TrainingSet set = new TrainingSet(items);
        ConceptSubspaceScorer scorer = ConceptSubspaceScorer.build(set, rows::get, q -> null, 4);
        float[] scores = scorer.scoresOfTrainingItems(new int[] {6})[0];
        // Without pair0 the pair's subspace is the line through pair1 (centred on the mean of all
        // rows), on which pair0's score is the centred cosine of the two; had pair0 stayed in
        // the subspace it spans, its score would be larger.
        float[] mean = new float[D];
        for (float[] r : rows) {
            for (int d = 0; d < D; d++) {
                mean[d] += r[d] / rows.size();
            }
        }
        double expected = cosine(minus(rows.get(6), mean), minus(rows.get(7), mean));
        assertTrue(Float.isNaN(scores[6]), "its own score is left out");
        assertEquals(expected, scores[7], 1e-5);
    }

    private static float[] varied(float[] centre, int firstAxis, Random random) {
        float[] v = centre.clone();
        for (int d = firstAxis; d < firstAxis + 4; d++) {
            v[d] += (float) (3 * random.nextGaussian());
        }
        for (int d = 0; d < D; d++) {
            v[d] += (float) (0.05 * random.nextGaussian());
        }
        return v;
    }

    private static float[] unitAxis(int axis, float length) {
        float[] v = new float[D];
        v[axis] = length;
        return v;
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[D];
        for (int d = 0; d < D; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] minus(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int d = 0; d < a.length; d++) {
            out[d] = a[d] - b[d];
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += a[d] * b[d];
            na += a[d] * a[d];
            nb += b[d] * b[d];
        }
        return dot / Math.sqrt(na * nb);
    }
}
