package dev.stemma.collector;

import java.util.Objects;

/** One point of a trajectory: a value at a training step. */
public record StepValue<T>(long step, T value) {
    public StepValue {
        Objects.requireNonNull(value, "value");
    }
}
