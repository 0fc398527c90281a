package dev.stemma.analyzer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.metrics.BootstrapInterval;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {

    @Test
    void shouldMeetLeadBarWhenStemmaDefaultLeadsBestBaselineByTenPoints() {
        MethodResult stemma = method("concept-subspace", MethodResult.Role.STEMMA, 0.98);
        List<MethodResult> all = List.of(stemma, method("knn-exact:pixels", MethodResult.Role.BASELINE, 0.84),
                method("concept-subspace-random", MethodResult.Role.CONTROL, 0.99));

        String line = EvaluationReport.leadBar("top-1 lead", stemma, all, MethodResult::top1, (own, base) -> own >= base + 0.10);

        assertTrue(line.startsWith("MET top-1 lead: 0.98"), line);
        assertTrue(line.contains("best baseline knn-exact:pixels 0.840"), line);
    }

    @Test
    void shouldNotMeetLeadBarWhenDefaultIsItselfABaseline() {
        MethodResult chosen = method("token-likelihood", MethodResult.Role.BASELINE, 1.00);
        List<MethodResult> all = List.of(chosen, method("knn-exact:final-activations", MethodResult.Role.BASELINE, 0.97),
                method("concept-subspace", MethodResult.Role.STEMMA, 0.96), method("trajectory-cosine", MethodResult.Role.STEMMA, 0.90));

        String line = EvaluationReport.leadBar("top-1 lead", chosen, all, MethodResult::top1, (own, base) -> own >= base + 0.10);

        assertTrue(line.startsWith("NOT MET top-1 lead: the default is itself a baseline"), line);
        assertTrue(line.contains("best baseline knn-exact:final-activations 0.970 among the others"), line);
        assertTrue(line.contains("best Stemma method concept-subspace 0.960"), line);
    }

    @Test
    void shouldSayNotMeasuredWithoutABaselineFigure() {
        MethodResult stemma = method("concept-subspace", MethodResult.Role.STEMMA, 0.98);

        String line = EvaluationReport.leadBar("top-1 lead", stemma, List.of(stemma), MethodResult::top1, (own, base) -> true);

        assertEquals("NOT MEASURED top-1 lead", line);
    }

    private static MethodResult method(String name, MethodResult.Role role, double top1) {
        BootstrapInterval t = new BootstrapInterval(top1, top1 - 0.05, Math.min(1, top1 + 0.05), 0.95);
        return new MethodResult(name, role, t, null, null, null, null, null, null, null, null, null, null, 0, 0, 0, 0);
    }
}
