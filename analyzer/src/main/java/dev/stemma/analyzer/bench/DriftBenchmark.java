package dev.stemma.analyzer.bench;

import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.drift.Drift;
import dev.stemma.analyzer.drift.DriftConfig;
import dev.stemma.analyzer.drift.DriftTracker;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.analyzer.store.StoredRun;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What drift costs on a stored run: every checkpoint with all but the last recorded step (what
 * {@code stemma serve} computes when it opens a store mid-run), then the last step arriving.
 *
 * <pre>
 * java -cp ... dev.stemma.analyzer.bench.DriftBenchmark STORE RUN [checkpoints] [rank]
 * </pre>
 * Defaults: {@value DriftConfig#DEFAULT_CHECKPOINTS} checkpoints, rank
 * {@value RepresentationConfig#DEFAULT_RANK}, null-token conditioning. Reads the store read-only.
 */
public final class DriftBenchmark {

    private DriftBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: DriftBenchmark STORE RUN [checkpoints] [rank]");
        }
        int checkpoints = args.length > 2 ? Integer.parseInt(args[2]) : DriftConfig.DEFAULT_CHECKPOINTS;
        int rank = args.length > 3 ? Integer.parseInt(args[3]) : RepresentationConfig.DEFAULT_RANK;
        DriftConfig config = DriftConfig.defaults().withCheckpoints(checkpoints)
                .withRepresentation(RepresentationConfig.defaults().withRank(rank));
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(Path.of(args[0]))) {
            StoredProbeTrajectories all = StoredProbeTrajectories.open(store, args[1], Conditioning.NULL_TOKEN);
            long[] steps = all.recordedSteps();
            DriftTracker tracker = new DriftTracker(args[1], config);
            long start = System.nanoTime();
            Drift before = tracker.update(new StoredRun(all.upToStep(steps[steps.length - 2])));
            double initial = (System.nanoTime() - start) / 1e9;
            int initialBuilds = tracker.builds();
            start = System.nanoTime();
            tracker.update(new StoredRun(all));
            double oneMore = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "{\"run\":\"%s\",\"items\":%d,\"channels\":%d,\"generations\":%d,\"recorded_steps\":%d,"
                            + "\"rank\":%d,\"checkpoints_before_last_step\":%d,\"seconds_before_last_step\":%.2f,"
                            + "\"builds_for_last_step\":%d,\"seconds_for_last_step\":%.2f}%n",
                    args[1], all.trainingSet().size(), all.channels().size(), before.latest().size(), steps.length, rank,
                    initialBuilds, initial, tracker.builds() - initialBuilds, oneMore);
        }
    }
}
