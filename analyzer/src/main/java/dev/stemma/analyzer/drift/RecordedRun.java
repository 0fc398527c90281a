package dev.stemma.analyzer.drift;

import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.TrajectoryReader;
import java.util.List;

/**
 * What drift reads of a run as recorded so far: the training images' trajectories and the probe
 * generations', cut after any number of the recorded steps.
 */
public interface RecordedRun {

    /**
     * A probe generation: an image generated from one concept's token when the run started and
     * recorded at every step like the training images.
     */
    record Generation(int probeId, String imageId, String concept) {
    }

    /** The run's training images, in the order of {@link #training}'s items. */
    TrainingSet trainingSet();

    /** The probe generations, in probe order. */
    List<Generation> generations();

    /**
     * The steps recorded so far, ascending: one per position of the trajectories, the step by which
     * every channel had been recorded there (timesteps taken in turn record each at its own steps).
     */
    long[] recordedSteps();

    /** The training images' trajectories over the first {@code count} recorded steps. */
    TrajectoryReader training(int count);

    /** A generation's trajectory over the first {@code count} recorded steps. */
    Trajectory generation(Generation generation, int count);
}
