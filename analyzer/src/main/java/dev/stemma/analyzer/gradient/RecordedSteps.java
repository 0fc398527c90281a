package dev.stemma.analyzer.gradient;

import dev.stemma.collector.StepValue;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Tensor;
import java.util.Arrays;

/** The steps at which a run's factors were recorded, and choices among them. */
final class RecordedSteps {

    private RecordedSteps() {
    }

    /** Steps at which {@code factor} was recorded, ascending. */
    static long[] of(TrajectoryStore store, String run, String factor) {
        long[] steps = new long[64];
        int n = 0;
        try (StoreIterator<StepValue<Tensor>> it = store.factorTrajectory(run, factor, 0, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                if (n == steps.length) {
                    steps = Arrays.copyOf(steps, n * 2);
                }
                steps[n++] = it.next().step();
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("Run " + run + " has no recorded value of factor " + factor);
        }
        return Arrays.copyOf(steps, n);
    }

    /** Every {@code every}-th step from the first: {@code steps[0], steps[every], ...}. */
    static long[] everyKth(long[] steps, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("Step interval must be at least 1, got " + every);
        }
        long[] out = new long[(steps.length + every - 1) / every];
        for (int i = 0; i < out.length; i++) {
            out[i] = steps[i * every];
        }
        return out;
    }

    /**
     * {@code count} steps spread evenly over the recorded ones and ending at the last:
     * {@code steps[round((j + 1) (n - 1) / count)]} for j = 0..count-1. Step 0 (fresh adapters, LoRA
     * B = 0, so no gradient reaches A) is left out unless it is all there is; fewer steps come back
     * when fewer were recorded.
     */
    static long[] spread(long[] steps, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Need at least one checkpoint, got " + count);
        }
        int n = steps.length;
        if (n == 1) {
            return steps.clone();
        }
        return java.util.stream.IntStream.range(0, count)
                .map(j -> (int) Math.round((double) (j + 1) * (n - 1) / count))
                .distinct()
                .mapToLong(i -> steps[i])
                .toArray();
    }
}
