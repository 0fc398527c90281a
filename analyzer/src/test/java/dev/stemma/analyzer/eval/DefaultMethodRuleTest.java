package dev.stemma.analyzer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.metrics.BootstrapInterval;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultMethodRuleTest {

    private static BootstrapInterval v(double x) {
        return new BootstrapInterval(x, x, x, 0.95);
    }

    private static MethodResult result(String method, double top1, double mix, Double r10, double ms) {
        return result(method, top1, mix, r10, ms, 1.0);
    }

    private static MethodResult result(String method, double top1, double mix, Double r10, double ms, double controlsLow) {
        return new MethodResult(method, MethodResult.Role.of(method), v(top1), v(mix), v(0.5), null, null,
                r10 == null ? null : v(r10), null, null, v(controlsLow), v(0.2), v(0), 0, 1, ms, 100);
    }

    @Test
    void shouldNotPickAMethodThatLetsBlankAndNoiseImagesThroughConfident() {
        MethodResult sharp = result("embedding-cosine:pixels", 0.9, 0.95, 0.6, 1, 0.5);
        MethodResult safe = result("knn-exact:final-activations", 0.9, 0.9, 0.5, 1, 0.94);
        assertEquals("knn-exact:final-activations", DefaultMethodRule.choose(List.of(sharp, safe)).orElseThrow().method());
        assertEquals("embedding-cosine:pixels", DefaultMethodRule.choose(List.of(sharp)).orElseThrow().method(),
                "when no method is safe on controls the rule still picks one");
    }

    @Test
    void shouldPickTheHighestMeanOfTopOneMixtureAndMicroRecall() {
        MethodResult a = result("trajectory-cosine", 0.9, 0.9, 0.3, 3);
        MethodResult b = result("knn-exact:pixels", 0.8, 0.9, 0.6, 1);
        assertEquals("knn-exact:pixels", DefaultMethodRule.choose(List.of(a, b)).orElseThrow().method());
    }

    @Test
    void shouldNeverPickARandomSubspaceControl() {
        MethodResult control = result("trajectory-cosine-random", 1, 1, 1.0, 1);
        MethodResult real = result("trajectory-cosine", 0.5, 0.5, 0.5, 1);
        assertEquals(MethodResult.Role.CONTROL, control.role());
        assertEquals("trajectory-cosine", DefaultMethodRule.choose(List.of(control, real)).orElseThrow().method());
        assertTrue(DefaultMethodRule.choose(List.of(control)).isEmpty());
    }

    @Test
    void shouldBreakTiesByTheOrderMethodsAreListedIn() {
        MethodResult first = result("knn-exact:pixels", 0.9, 0.9, null, 5);
        MethodResult second = result("knn-hnsw:pixels", 0.9, 0.9, null, 1);
        assertEquals("knn-exact:pixels", DefaultMethodRule.choose(List.of(first, second)).orElseThrow().method());
    }

    @Test
    void shouldMixEveryConceptEarlyWhenPairingConcepts() {
        List<int[]> pairs = TestSet.pairs(4, 4);
        assertEquals(4, pairs.size());
        assertEquals(List.of(0, 1), List.of(pairs.get(0)[0], pairs.get(0)[1]));
        assertEquals(List.of(2, 3), List.of(pairs.get(1)[0], pairs.get(1)[1]));
        assertEquals(1, TestSet.pairs(2, 4).size(), "two concepts make one pair");
    }

    @Test
    void shouldBuildAMethodWithItsControlAndEachEmbeddingOnce() {
        List<List<String>> groups = Evaluation.families(List.of("trajectory-cosine", "knn-exact:pixels", "trajectory-cosine-random",
                "weight-subspace", "embedding-cosine:pixels", "weight-subspace-random", "knn-hnsw:final-activations"));
        assertEquals(List.of(List.of("trajectory-cosine", "trajectory-cosine-random"),
                List.of("knn-exact:pixels", "embedding-cosine:pixels"), List.of("weight-subspace", "weight-subspace-random"),
                List.of("knn-hnsw:final-activations")), groups);
    }

    @Test
    void shouldBuildConceptSubspacesWithTheTrajectoriesOrTheirEmbedding() {
        List<List<String>> groups = Evaluation.families(List.of("trajectory-cosine", "concept-subspace:judge", "knn-exact:judge",
                "concept-subspace", "concept-subspace-random"));
        assertEquals(List.of(List.of("trajectory-cosine", "concept-subspace", "concept-subspace-random"),
                List.of("concept-subspace:judge", "knn-exact:judge")), groups);
    }

    @Test
    void shouldCallMethodsOverRecordedTrajectoriesOrUpdatesStemmaAndTheirRandomSubspacesControls() {
        assertEquals(MethodResult.Role.STEMMA, MethodResult.Role.of("concept-subspace"));
        assertEquals(MethodResult.Role.STEMMA, MethodResult.Role.of("weight-subspace"));
        assertEquals(MethodResult.Role.CONTROL, MethodResult.Role.of("concept-subspace-random"));
        assertEquals(MethodResult.Role.BASELINE, MethodResult.Role.of("concept-subspace:pixels"));
        assertEquals(MethodResult.Role.BASELINE, MethodResult.Role.of("knn-exact:judge"));
        assertEquals(MethodResult.Role.BASELINE, MethodResult.Role.of("tracin"));
        assertEquals(MethodResult.Role.BASELINE, MethodResult.Role.of("trak"));
    }
}
