package dev.stemma.analyzer.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training steps at which each channel of a run was recorded: the same count for every
 * channel, ascending within each. Taken together (every timestep at every capture) all channels
 * share one row of steps; taken in turn (one timestep per capture) the channels of each timestep
 * have their own, e.g. t=200 at steps 0, 20, 40 and t=600 at 10, 30, 50. A trajectory's k-th value
 * in a channel is that channel's k-th step.
 */
public final class StepGrid {
    private final long[][] stepsByChannel;

    /**
     * @throws IllegalArgumentException if there is no channel, the channels have different counts,
     *                                  or a channel's steps are not strictly ascending
     */
    public StepGrid(long[][] stepsByChannel) {
        if (stepsByChannel.length == 0) {
            throw new IllegalArgumentException("a step grid needs at least one channel");
        }
        this.stepsByChannel = new long[stepsByChannel.length][];
        for (int c = 0; c < stepsByChannel.length; c++) {
            long[] s = stepsByChannel[c].clone();
            if (s.length != stepsByChannel[0].length) {
                throw new IllegalArgumentException("channel " + c + " has " + s.length + " steps, channel 0 has "
                        + stepsByChannel[0].length);
            }
            for (int k = 1; k < s.length; k++) {
                if (s[k] <= s[k - 1]) {
                    throw new IllegalArgumentException("channel " + c + "'s steps are not ascending at " + s[k]);
                }
            }
            this.stepsByChannel[c] = s;
        }
    }

    /** The same steps for {@code channels} channels. */
    public static StepGrid shared(long[] steps, int channels) {
        long[][] rows = new long[channels][];
        Arrays.fill(rows, steps);
        return new StepGrid(rows);
    }

    /**
     * The first {@code count} steps of each channel's recorded steps; the channels may have
     * recorded different numbers so far (a run being recorded, or one that stopped mid-turn).
     */
    public static StepGrid firstOf(long[][] recordedByChannel, int count) {
        long[][] rows = new long[recordedByChannel.length][];
        for (int c = 0; c < rows.length; c++) {
            rows[c] = Arrays.copyOf(recordedByChannel[c], count);
        }
        return new StepGrid(rows);
    }

    /** How many steps each channel has. */
    public int count() {
        return stepsByChannel[0].length;
    }

    /** How many channels. */
    public int channels() {
        return stepsByChannel.length;
    }

    /** Channel {@code c}'s steps. */
    public long[] steps(int channel) {
        return stepsByChannel[channel].clone();
    }

    /** Channel {@code c}'s {@code k}-th step. */
    public long step(int channel, int k) {
        return stepsByChannel[channel][k];
    }

    /**
     * For each k, the step at which every channel had its k-th value: the latest of the channels'
     * k-th steps. The steps to cut the grid at ({@link #upTo}) and to draw trajectories against.
     */
    public long[] completedAt() {
        long[] out = new long[count()];
        for (int k = 0; k < out.length; k++) {
            long max = Long.MIN_VALUE;
            for (long[] s : stepsByChannel) {
                max = Math.max(max, s[k]);
            }
            out[k] = max;
        }
        return out;
    }

    /** The first {@code n} steps of every channel. */
    public StepGrid first(int n) {
        if (n < 0 || n > count()) {
            throw new IllegalArgumentException("cannot take " + n + " of " + count() + " steps");
        }
        return firstOf(stepsByChannel, n);
    }

    /** The steps up to {@code step}, inclusive: as many per channel as every channel has that early. */
    public StepGrid upTo(long step) {
        int n = 0;
        long[] done = completedAt();
        while (n < done.length && done[n] <= step) {
            n++;
        }
        return first(n);
    }

    /** Each channel's last step alone (a grid of count 1). */
    public StepGrid last() {
        if (count() == 0) {
            throw new IllegalArgumentException("an empty step grid has no last step");
        }
        long[][] rows = new long[stepsByChannel.length][];
        for (int c = 0; c < rows.length; c++) {
            rows[c] = new long[] {stepsByChannel[c][count() - 1]};
        }
        return new StepGrid(rows);
    }

    /** A position in the grid: channel {@code channel}'s {@code index}-th step. */
    public record Cell(int channel, int index) {}

    /** Every step of the grid, ascending, with the cells recorded at it. */
    public Map<Long, List<Cell>> cellsByStep() {
        TreeMap<Long, List<Cell>> out = new TreeMap<>();
        for (int c = 0; c < stepsByChannel.length; c++) {
            for (int k = 0; k < stepsByChannel[c].length; k++) {
                out.computeIfAbsent(stepsByChannel[c][k], s -> new ArrayList<>()).add(new Cell(c, k));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepGrid g && Arrays.deepEquals(stepsByChannel, g.stepsByChannel);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(stepsByChannel);
    }

    @Override
    public String toString() {
        return "StepGrid" + Arrays.deepToString(stepsByChannel);
    }
}
