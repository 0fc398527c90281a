package dev.stemma.analyzer.drift;

import dev.stemma.analyzer.RepresentationConfig;
import java.util.Objects;

/**
 * How drift is computed.
 *
 * @param checkpoints    most checkpoints kept per run, the latest included (at least 2)
 * @param representation how the {@code trajectory-cosine} method is built at each checkpoint
 */
public record DriftConfig(int checkpoints, RepresentationConfig representation) {

    /** Twenty points draw a curve; each is one build of the method over a prefix of the run. */
    public static final int DEFAULT_CHECKPOINTS = 20;

    public DriftConfig {
        if (checkpoints < 2) {
            throw new IllegalArgumentException("Drift needs at least 2 checkpoints, got " + checkpoints);
        }
        Objects.requireNonNull(representation, "representation config");
    }

    public static DriftConfig defaults() {
        return new DriftConfig(DEFAULT_CHECKPOINTS, RepresentationConfig.defaults());
    }

    public DriftConfig withCheckpoints(int value) {
        return new DriftConfig(value, representation);
    }

    public DriftConfig withRepresentation(RepresentationConfig value) {
        return new DriftConfig(checkpoints, value);
    }
}
