package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenLikelihoodTest {
    /** Concepts A (20 images), B (20), C (2: a micro-concept). */
    private static TrainingSet set() {
        List<TrainingItem> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            items.add(new TrainingItem("a" + i, "A"));
        }
        for (int i = 0; i < 20; i++) {
            items.add(new TrainingItem("b" + i, "B"));
        }
        items.add(new TrainingItem("c0", "C"));
        items.add(new TrainingItem("c1", "C"));
        return new TrainingSet(items);
    }

    /**
     * Training gains as a trained token gives them: its own concept's clearly highest, with noise;
     * null-token losses 0.03 to 0.07.
     */
    private static float[][] trainingGains(TrainingSet set) {
        SplittableRandom random = new SplittableRandom(3);
        float[][] gains = new float[set.size()][4];
        for (int i = 0; i < set.size(); i++) {
            for (int c = 0; c < 3; c++) {
                gains[i][c] = (float) ((c == set.conceptOf(i) ? 0.15 : 0.02) + 0.01 * random.nextDouble());
            }
            gains[i][3] = (float) (0.03 + 0.04 * random.nextDouble());
        }
        return gains;
    }

    @Test
    void shouldGiveEveryImageItsConceptsGainAndLeaveItselfOutInCalibration() {
        TrainingSet set = set();
        TokenLikelihoodScorer scorer = new TokenLikelihoodScorer("t", set, trainingGains(set), null, null);
        float[] scores = scorer.scores(Query.empty().withEmbedding(TokenLikelihoodScorer.EMBEDDING, new float[] {0.1f, 0.2f, 0.3f, 0.05f}));
        assertEquals(0.1f, scores[0]);
        assertEquals(0.2f, scores[25]);
        assertEquals(0.3f, scores[41]);
        float[][] loo = scorer.scoresOfTrainingItems(new int[] {40});
        assertTrue(Float.isNaN(loo[0][40]));
        assertFalse(Float.isNaN(loo[0][41]));
    }

    @Test
    void shouldAttributeToTheConceptWhoseTokenExplainsBestAndRankItsImagesFirst() {
        TrainingSet set = set();
        Analyzer analyzer = Analyzer.builder("r", set).tokenGains(trainingGains(set), null).build();
        Attribution a = analyzer.attribute(Analyzer.TOKEN_LIKELIHOOD,
                Query.empty().withEmbedding(Analyzer.TOKEN_GAINS, new float[] {0.03f, 0.02f, 0.16f, 0.05f}));
        double[] shares = a.shares();
        assertTrue(shares[2] > 0.8, "micro-concept C gets the share: " + java.util.Arrays.toString(shares));
        float[] scores = a.imageScores();
        assertTrue(scores[40] > scores[0] && scores[41] > scores[39], "C's two images rank above all others");
        assertFalse(a.confidence().low(), "a gain like the training images' own is typical");
    }

    @Test
    void shouldRankAConceptsImagesByLikenessWithoutMovingTheShares() {
        TrainingSet set = set();
        SplittableRandom random = new SplittableRandom(5);
        float[][] vectors = new float[set.size()][8];
        for (float[] v : vectors) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        float[] gains = {0.16f, 0.02f, 0.03f, 0.05f};
        Query query = Query.empty().withEmbedding(Analyzer.TOKEN_GAINS, gains).withEmbedding("e", vectors[7].clone());
        Attribution ranked = Analyzer.builder("r", set).embedding("e", vectors).tokenGains(trainingGains(set), "e").build()
                .attribute(Analyzer.TOKEN_LIKELIHOOD, query);
        Attribution tied = Analyzer.builder("r", set).tokenGains(trainingGains(set), null).build()
                .attribute(Analyzer.TOKEN_LIKELIHOOD, query);

        float[] scores = ranked.imageScores();
        for (int i = 0; i < 20; i++) {
            assertTrue(i == 7 || scores[7] > scores[i], "the image like the query ranks first in its concept: " + i);
            assertEquals(gains[0], scores[i], TokenLikelihoodScorer.TIE_BREAK * 1.0001, "its concept's gain, give or take the tie-break");
        }
        assertTrue(scores[19] > scores[20], "every image of the winning concept above every other concept's");
        assertArrayEquals(tied.shares(), ranked.shares(), 1e-3, "the shares still follow the gains");
    }

    @Test
    void shouldRefuseARankingEmbeddingThatIsNotRegistered() {
        TrainingSet set = set();
        assertThrows(IllegalStateException.class, () -> Analyzer.builder("r", set).tokenGains(trainingGains(set), "e").build());
    }

    @Test
    void shouldMarkAnImageNoTokenExplainsLowConfidence() {
        TrainingSet set = set();
        Analyzer analyzer = Analyzer.builder("r", set).tokenGains(trainingGains(set), null).build();
        Attribution a = analyzer.attribute(Analyzer.TOKEN_LIKELIHOOD,
                Query.empty().withEmbedding(Analyzer.TOKEN_GAINS, new float[] {0.01f, 0.012f, 0.011f, 0.05f}));
        assertTrue(a.confidence().low(), "gains far below every training image's: " + a.confidence());
    }

    @Test
    void shouldMarkImagesFarEasierOrHarderToDenoiseThanAnyTrainingImageLowConfidence() {
        TrainingSet set = set();
        Analyzer analyzer = Analyzer.builder("r", set).tokenGains(trainingGains(set), null).build();
        for (float nullLoss : new float[] {0.01f, 0.2f}) { // a blank image, a noise image
            Attribution a = analyzer.attribute(Analyzer.TOKEN_LIKELIHOOD,
                    Query.empty().withEmbedding(Analyzer.TOKEN_GAINS, new float[] {0.03f, 0.02f, 0.16f, nullLoss}));
            assertTrue(a.confidence().low(), "null-token loss " + nullLoss + ": " + a.confidence());
            assertEquals(0, a.confidence().typicality(), 1e-9);
        }
    }

    @Test
    void shouldRefuseGainsOfTheWrongShape() {
        TrainingSet set = set();
        assertThrows(IllegalArgumentException.class, () -> new TokenLikelihoodScorer("t", set, new float[3][3], null, null));
        assertThrows(IllegalArgumentException.class, () -> new TokenLikelihoodScorer("t", set, new float[set.size()][3], null, null));
        TokenLikelihoodScorer scorer = new TokenLikelihoodScorer("t", set, trainingGains(set), null, null);
        assertThrows(IllegalArgumentException.class,
                () -> scorer.scores(Query.empty().withEmbedding(TokenLikelihoodScorer.EMBEDDING, new float[3])));
        assertThrows(IllegalArgumentException.class, () -> scorer.scores(Query.empty()));
    }
}
