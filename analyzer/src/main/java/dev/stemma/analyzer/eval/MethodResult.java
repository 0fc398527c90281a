package dev.stemma.analyzer.eval;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.metrics.BootstrapInterval;
import dev.stemma.analyzer.replay.RunAnalysis;

/**
 * One method's figures in one setting. Intervals are 95% percentile bootstraps over test images;
 * a figure is null when the test set had no image of its kind.
 *
 * @param method             the method's name
 * @param role               stemma (a candidate default), baseline, or control
 * @param top1               top-1 concept of single-concept generations, among the main concepts
 * @param mixShiftedCosine   (1 + cos) / 2 of shares against mixture weights
 * @param mixSpearman        rank correlation of shares with mixture weights
 * @param microRecall1       exemplars of a micro-concept in the top 1 training image
 * @param microRecall5       ... top 5
 * @param microRecall10      ... top 10
 * @param microMap           mean average precision of the exemplars
 * @param lds                linear datamodeling score over the generations (null unless the
 *                           evaluation retrained on halves, {@link LinearDatamodeling})
 * @param controlsLow        share of blank and noise controls marked low-confidence
 * @param controlTokenShare  mean share a control gives its token's concept
 * @param genuineLow         share of single-concept generations marked low-confidence
 * @param exposureSpearman   rank correlation of training images' mean score with how often each was trained on
 * @param buildSeconds       building the method (subspaces, indexes, calibration), shared with the methods
 *                           built from the same inputs (a method and its control; the kinds of one embedding)
 * @param millisPerImage     attributing one prepared query
 * @param peakHeapMiB        peak heap while building and attributing (sum of the heap pools' peaks), per build
 */
public record MethodResult(String method, Role role, BootstrapInterval top1, BootstrapInterval mixShiftedCosine,
                           BootstrapInterval mixSpearman, BootstrapInterval microRecall1, BootstrapInterval microRecall5,
                           BootstrapInterval microRecall10, BootstrapInterval microMap, BootstrapInterval lds,
                           BootstrapInterval controlsLow,
                           BootstrapInterval controlTokenShare, BootstrapInterval genuineLow, double exposureSpearman,
                           double buildSeconds, double millisPerImage, double peakHeapMiB) {

    /** Whether a method may become the default, is what people use today, or is a control. */
    public enum Role {
        STEMMA, BASELINE, CONTROL;

        /**
         * The role of a method by its name: random-subspace variants are controls; embeddings, TracIn and
         * TRAK (gradient similarity as people use it today, whatever checkpoints it is given) baselines.
         */
        public static Role of(String method) {
            if (method.endsWith("-random")) {
                return CONTROL;
            }
            if (method.equals(Analyzer.TOKEN_LIKELIHOOD)) {
                return BASELINE; // reads only the finished model, which anyone holding the adapter has
            }
            if (RunAnalysis.usesTrajectories(method) || RunAnalysis.usesGradients(method) && !method.equals(Analyzer.TRACIN)
                    && !method.equals(Analyzer.TRAK)) {
                return STEMMA; // what only a recorded run has: its trajectories, its weight updates
            }
            return BASELINE;
        }
    }
}
