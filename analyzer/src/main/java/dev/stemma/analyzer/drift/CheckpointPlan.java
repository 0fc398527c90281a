package dev.stemma.analyzer.drift;

import java.util.Arrays;

/**
 * Where the checkpoints of a run fall, as counts of recorded steps (prefix lengths): every
 * multiple of a stride from 2 up, the stride being the smallest power of two that leaves at most
 * {@code max - 1} of them, and the latest count. The stride only grows as steps arrive and the
 * multiples of 2s are among those of s, so a checkpoint once placed stays until the stride
 * doubles past it: computed checkpoints are kept, never recomputed, and the chart stays evenly
 * spaced with between max / 2 and max points.
 */
final class CheckpointPlan {

    private CheckpointPlan() {}

    /** The stride of the fixed checkpoints when {@code recorded} steps are recorded. */
    static int stride(int recorded, int max) {
        int stride = 1;
        while (fixedCount(recorded, stride) > max - 1) {
            stride *= 2;
        }
        return stride;
    }

    /** The fixed checkpoints (counts of recorded steps, ascending), the latest count excluded unless it is one. */
    static int[] fixed(int recorded, int max) {
        int stride = stride(recorded, max);
        int[] counts = new int[fixedCount(recorded, stride)];
        int first = stride == 1 ? 2 : stride;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = first + i * stride;
        }
        return counts;
    }

    /** Every checkpoint: the fixed ones and the latest count. */
    static int[] all(int recorded, int max) {
        int[] fixed = fixed(recorded, max);
        if (recorded < 2 || (fixed.length > 0 && fixed[fixed.length - 1] == recorded)) {
            return fixed;
        }
        int[] all = Arrays.copyOf(fixed, fixed.length + 1);
        all[fixed.length] = recorded;
        return all;
    }

    /** Multiples of {@code stride} in [2, recorded]. */
    private static int fixedCount(int recorded, int stride) {
        if (recorded < 2) {
            return 0;
        }
        return stride == 1 ? recorded - 1 : recorded / stride;
    }
}
