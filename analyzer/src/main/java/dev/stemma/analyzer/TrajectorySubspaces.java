package dev.stemma.analyzer;

import dev.stemma.analyzer.linalg.GramAccumulator;
import dev.stemma.analyzer.linalg.RandomSubspace;
import dev.stemma.analyzer.linalg.Subspace;
import java.util.ArrayList;
import java.util.List;

/** One subspace per channel from all training increments, in one streaming pass. */
final class TrajectorySubspaces {

    private TrajectorySubspaces() {
    }

    /** The top-{@code rank} left singular subspace of each channel's training increments. */
    static List<Subspace> fit(TrajectoryReader reader, IncrementMode mode, int rank) {
        int channels = reader.channels().size();
        int steps = reader.steps();
        if (steps < 2) {
            throw new IllegalArgumentException("Increments need at least 2 recorded steps, got " + steps);
        }
        List<GramAccumulator> grams = new ArrayList<>();
        try {
            float[][] increments = new float[channels][];
            for (int c = 0; c < channels; c++) {
                grams.add(new GramAccumulator(reader.dimension(c)));
                increments[c] = new float[(steps - 1) * reader.dimension(c)];
            }
            reader.forEachItem((item, trajectory) -> {
                checkShape(reader, trajectory, "training item " + item);
                for (int c = 0; c < channels; c++) {
                    mode.increments(trajectory.channel(c), increments[c]);
                    grams.get(c).addRows(increments[c], steps - 1);
                }
            });
            List<Subspace> subspaces = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                subspaces.add(grams.get(c).subspace(Math.min(rank, reader.dimension(c))));
            }
            return List.copyOf(subspaces);
        } finally {
            grams.forEach(GramAccumulator::close);
        }
    }

    /** The random control: one seeded random subspace per channel, of the same ranks. */
    static List<Subspace> random(TrajectoryReader reader, int rank, long seed) {
        List<Subspace> subspaces = new ArrayList<>();
        for (int c = 0; c < reader.channels().size(); c++) {
            int d = reader.dimension(c);
            subspaces.add(RandomSubspace.of(d, Math.min(rank, d), seed + c));
        }
        return List.copyOf(subspaces);
    }

    static void checkShape(TrajectoryReader reader, Trajectory trajectory, String what) {
        if (trajectory.channels() != reader.channels().size() || trajectory.steps() != reader.steps()) {
            throw new IllegalArgumentException("The trajectory of " + what + " has " + trajectory.channels() + " channels x "
                    + trajectory.steps() + " steps; the run recorded " + reader.channels().size() + " x " + reader.steps());
        }
        for (int c = 0; c < trajectory.channels(); c++) {
            if (trajectory.dimension(c) != reader.dimension(c)) {
                throw new IllegalArgumentException("Channel " + reader.channels().get(c) + " of " + what + " has dimension "
                        + trajectory.dimension(c) + ", expected " + reader.dimension(c));
            }
        }
    }
}
