package dev.stemma.analyzer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Trains a recorded run's customisation again on part of its training images, the same in every
 * other respect (base, concepts, steps, batch, learning rate, seeds): the counterfactual models
 * of the linear datamodeling score ({@link LinearDatamodeling}).
 */
public interface Retrainer {

    /**
     * The adapter file of the run's customisation trained only on {@code imageIdsByConcept}
     * (every concept of the run, each with at least one image); {@code label} names the subset
     * (e.g. {@code half-03}) for files and progress.
     */
    Path retrain(String label, Map<String, List<String>> imageIdsByConcept);
}
