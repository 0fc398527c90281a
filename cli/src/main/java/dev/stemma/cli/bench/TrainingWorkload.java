package dev.stemma.cli.bench;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import dev.stemma.agent.MonitoredModel;

/** A customisation the agent benchmark can step through, with the agent on or off. */
interface TrainingWorkload extends AutoCloseable {

    /** The model the agent watches. */
    MonitoredModel model();

    /** The DJL trainer, which the agent's callbacks receive. */
    Trainer trainer();

    /** Runs one training step; {@code listener} sees the batch after backward, before the update. */
    void step(TrainingListener listener);

    @Override
    void close();
}
