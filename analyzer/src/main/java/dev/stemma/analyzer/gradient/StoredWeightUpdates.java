package dev.stemma.analyzer.gradient;

import dev.stemma.analyzer.linalg.ColumnBlockSource;
import dev.stemma.collector.StepValue;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * The recorded LoRA updates of a run as a steps x parameters matrix, read from the store one
 * factor tensor (one column block) at a time: what the {@code weight-subspace} method takes the
 * top directions of.
 *
 * <p>The agent records the factors at every step s before that step's optimizer update, so
 * f(s + 1) - f(s) is the update step s made. With recorded steps s_0 < s_1 < ... and an interval k,
 * the rows are the updates between every k-th recorded step, f(s_{(j+1)k}) - f(s_{jk}) for
 * j = 0.. (k = 1: every recorded step's update; k = 5: the net update of each 5 steps, which keeps
 * the net drift and averages away step-to-step noise). Steps after the last selected one are not
 * covered. Columns follow the {@link FactorLayout}, which must be the gradients' layout.
 *
 * <p>Memory: one block of rows x (largest factor) floats; the store is read again on every pass
 * ({@link dev.stemma.analyzer.linalg.StepGramSubspaces} makes two). The store must stay open.
 */
public final class StoredWeightUpdates implements ColumnBlockSource {

    private final TrajectoryStore store;
    private final String run;
    private final FactorLayout layout;
    private final long[] steps;

    private StoredWeightUpdates(TrajectoryStore store, String run, FactorLayout layout, long[] steps) {
        this.store = store;
        this.run = run;
        this.layout = layout;
        this.steps = steps;
    }

    /**
     * The updates of {@code run} between every {@code every}-th recorded step, over the factors of
     * {@code layout} (e.g. {@link FactorLayout#loraFactors}).
     *
     * @throws IllegalArgumentException if the run is unknown, a factor of the layout was not recorded
     *                                  with that size, or fewer than two steps are selected
     */
    public static StoredWeightUpdates open(TrajectoryStore store, String run, FactorLayout layout, int every) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(layout, "layout");
        if (!store.factorNames(run).containsAll(layout.names())) {
            java.util.List<String> missing = new java.util.ArrayList<>(layout.names());
            missing.removeAll(store.factorNames(run));
            throw new IllegalArgumentException("Run " + run + " in " + store.directory() + " recorded no factor " + missing);
        }
        long[] selected = RecordedSteps.everyKth(RecordedSteps.of(store, run, layout.names().get(0)), every);
        if (selected.length < 2) {
            throw new IllegalArgumentException("Run " + run + " has " + selected.length + " selected recorded step(s) at interval "
                    + every + "; an update needs two");
        }
        return new StoredWeightUpdates(store, run, layout, selected);
    }

    /** The recorded steps the rows are differences of: row j is f(steps[j + 1]) - f(steps[j]) (a copy). */
    public long[] steps() {
        return steps.clone();
    }

    public FactorLayout layout() {
        return layout;
    }

    @Override
    public int rows() {
        return steps.length - 1;
    }

    @Override
    public int columns() {
        return layout.columns();
    }

    @Override
    public void forEachBlock(BlockVisitor visitor) {
        int rows = rows();
        int widest = Arrays.stream(layout.sizes()).max().orElseThrow();
        float[] block = new float[rows * widest];
        float[] previous = new float[widest];
        int offset = 0;
        for (int f = 0; f < layout.factors(); f++) {
            String name = layout.names().get(f);
            int width = layout.size(f);
            int next = 0; // index into steps of the next value wanted
            try (StoreIterator<StepValue<Tensor>> it = store.factorTrajectory(run, name, steps[0], steps[rows] + 1)) {
                while (it.hasNext() && next <= rows) {
                    StepValue<Tensor> value = it.next();
                    if (value.step() != steps[next]) {
                        if (value.step() > steps[next]) {
                            throw missing(name, steps[next]);
                        }
                        continue; // a recorded step between the selected ones
                    }
                    float[] values = value.value().toFloatArray();
                    if (values.length != width) {
                        throw new IllegalArgumentException("Factor " + name + " of run " + run + " has " + values.length
                                + " values at step " + value.step() + ", the layout " + width);
                    }
                    if (next > 0) {
                        int row = (next - 1) * width;
                        for (int c = 0; c < width; c++) {
                            block[row + c] = values[c] - previous[c];
                        }
                    }
                    System.arraycopy(values, 0, previous, 0, width);
                    next++;
                }
            }
            if (next <= rows) {
                throw missing(name, steps[next]);
            }
            visitor.visit(offset, width, width == widest ? block : Arrays.copyOf(block, rows * width));
            offset += width;
        }
    }

    private IllegalStateException missing(String factor, long step) {
        return new IllegalStateException("Factor " + factor + " of run " + run + " has no value at step " + step
                + ", which the first factor has: the store holds an incomplete step");
    }
}
