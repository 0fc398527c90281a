package dev.stemma.agent;

import ai.djl.training.Trainer;

/**
 * An optional callback a training loop may give its listeners after each optimizer update.
 * DJL's {@code TrainingListener} has none: {@code onTrainingBatch} comes after backward but
 * before the update. A loop that calls this lets the agent take the next step's probe
 * activations on its own thread while the training thread computes that step's forward and
 * backward: both read the same weights, which do not change until the next update, and
 * {@code onTrainingBatch} waits for the probes before it returns. Loops that do not call it get
 * the probes taken on the training thread instead, with the same values.
 */
public interface AfterStepListener {

    /** Called after the update of 0-based step {@code step}, before the next step's forward. */
    void afterStep(Trainer trainer, long step);
}
