package dev.stemma.analyzer.store;

import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.TrajectoryReader;
import dev.stemma.analyzer.drift.RecordedRun;
import dev.stemma.protocol.ProbeSpec;
import java.util.List;

/**
 * A stored run as drift reads it: its probe trajectories under one conditioning, cut after any of
 * the steps recorded when they were opened.
 */
public final class StoredRun implements RecordedRun {

    private final StoredProbeTrajectories trajectories;
    private final long[] steps;
    private final List<Generation> generations;

    public StoredRun(StoredProbeTrajectories trajectories) {
        this.trajectories = trajectories;
        this.steps = trajectories.recordedSteps();
        this.generations = trajectories.manifest().probes().stream()
                .filter(p -> p.kind() == ProbeSpec.Kind.GENERATION)
                .map(p -> new Generation(p.probeId(), p.imageId(), p.concept()))
                .toList();
    }

    @Override
    public TrainingSet trainingSet() {
        return trajectories.trainingSet();
    }

    @Override
    public List<Generation> generations() {
        return generations;
    }

    @Override
    public long[] recordedSteps() {
        return steps.clone();
    }

    @Override
    public TrajectoryReader training(int count) {
        return trajectories.upToStep(steps[count - 1]);
    }

    @Override
    public Trajectory generation(Generation generation, int count) {
        return trajectories.upToStep(steps[count - 1]).trajectoryOf(generation.probeId());
    }
}
