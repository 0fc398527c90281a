package dev.stemma.analyzer.eval;

import java.util.List;
import java.util.Optional;

/**
 * The rule that picks a setting's default method from its table, the same for every dataset:
 * among the non-control methods that mark at least 90% of blank and noise
 * controls low-confidence (an answer must not come out confident on an image of nothing; if no
 * method does, all non-control methods stay in), the highest mean of top-1, mixture shifted
 * cosine and micro-concept Recall@10 (the figures a test set lacks are left out of the mean);
 * ties go to the method listed first (Stemma's methods come first, exact search before HNSW),
 * since a tie in milliseconds per image is noise. A baseline can win: then the product's default
 * is the baseline, and the table says so.
 */
public final class DefaultMethodRule {
    /** Share of blank and noise controls a default must mark low-confidence (the bar). */
    static final double CONTROLS_LOW = 0.90;

    private DefaultMethodRule() {}

    /** The combined figure the rule ranks by. */
    public static double score(MethodResult r) {
        double sum = 0;
        int n = 0;
        for (var i : new dev.stemma.analyzer.metrics.BootstrapInterval[] {r.top1(), r.mixShiftedCosine(), r.microRecall10()}) {
            if (i != null) {
                sum += i.estimate();
                n++;
            }
        }
        return n == 0 ? Double.NEGATIVE_INFINITY : sum / n;
    }

    /** The default among {@code results}, if any method is not a control. */
    public static Optional<MethodResult> choose(List<MethodResult> results) {
        List<MethodResult> candidates = results.stream().filter(r -> r.role() != MethodResult.Role.CONTROL).toList();
        List<MethodResult> safe = candidates.stream()
                .filter(r -> r.controlsLow() == null || r.controlsLow().estimate() >= CONTROLS_LOW).toList();
        Optional<MethodResult> best = Optional.empty();
        for (MethodResult r : safe.isEmpty() ? candidates : safe) {
            if (best.isEmpty() || score(r) > score(best.get())) {
                best = Optional.of(r);
            }
        }
        return best;
    }
}
