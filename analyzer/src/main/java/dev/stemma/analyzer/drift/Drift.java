package dev.stemma.analyzer.drift;

import dev.stemma.analyzer.Attribution;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's attribution drift as computed so far.
 *
 * @param runId             the run
 * @param method            the attribution method (its name in the analyzer)
 * @param concepts          the training concepts, the order of every share array
 * @param generatedConcepts the concepts the probe generations were made from, in probe order
 * @param recordedSteps     how many steps were recorded when the drift was last brought up to date
 * @param lastStep          the last recorded step then (-1 if none)
 * @param checkpoints       the checkpoints computed so far, by step; the last one is the latest
 *                          answer's once it is computed
 * @param pending           checkpoints planned but not computed yet (an update stopped early)
 * @param latest            the latest answer for every probe generation, over every recorded
 *                          step; empty until at least 2 steps are recorded
 */
public record Drift(String runId, String method, List<String> concepts, List<String> generatedConcepts,
                    int recordedSteps, long lastStep, List<Checkpoint> checkpoints, int pending,
                    List<Answer> latest) {

    public Drift {
        concepts = List.copyOf(concepts);
        generatedConcepts = List.copyOf(generatedConcepts);
        checkpoints = List.copyOf(checkpoints);
        latest = List.copyOf(latest);
    }

    /**
     * The attribution of the probe generations using only the steps recorded up to {@code step}.
     *
     * @param step          the last recorded step used
     * @param recordedSteps how many recorded steps were used
     * @param generated     for each generated concept (in {@code generatedConcepts} order), the
     *                      mean answer over its probe generations
     */
    public record Checkpoint(long step, int recordedSteps, Map<String, MeanShares> generated) {
        public Checkpoint {
            generated = Collections.unmodifiableMap(new LinkedHashMap<>(generated)); // keeps generatedConcepts order
        }
    }

    /**
     * The mean over the probe generations of one concept.
     *
     * @param generations how many generations were averaged
     * @param shares      mean concept shares, in {@link Drift#concepts()} order (they sum to 1)
     * @param confidence  mean confidence
     */
    public record MeanShares(int generations, double[] shares, double confidence) {
        public MeanShares {
            shares = shares.clone();
        }

        /** Mean shares in concept order (a copy). */
        @Override
        public double[] shares() {
            return shares.clone();
        }
    }

    /** One probe generation's answer over every step recorded so far. */
    public record Answer(RecordedRun.Generation generation, Attribution attribution) {
    }
}
