package dev.stemma.analyzer.gradient;

import dev.stemma.analyzer.GradientReader;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.LoraGradients;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Per-example LoRA gradients of a list of images replayed at recorded steps of a run: the
 * {@link GradientReader} of the {@code tracin}, {@code trak} and {@code weight-subspace} methods,
 * and their query side ({@link #gradientsOf}).
 *
 * <p>At each checkpoint (a recorded step, see {@link GradientReplayConfig#checkpoints()}) the model
 * holds base + the factors the store recorded then ({@link TrajectoryStore#factorsAt}), and each
 * image's gradient is {@link LoraGradients} of its training loss at the configured timesteps, with one
 * noise map per timestep drawn from the noise seed and shared by every image, under the null token or
 * the image's own concept token. With the timesteps kept apart (the default) every (checkpoint,
 * timestep) is a gradient slot of its own, slot = checkpoint x timesteps + timestep index, and the
 * scorers average cosines over slots; summed, there is one slot per checkpoint. Gradients stream one at a time into a single reused buffer; the
 * adapter states of the checkpoints (a few hundred KB each) are read once and held. A progress line
 * goes to the callback every {@link GradientReplayConfig#progressEvery()} while gradients stream.
 *
 * <p>The model is shared state: the methods of one instance run one at a time, and the model holds
 * the last checkpoint's adapter afterwards. The caller opens the model with the run's adapter shape
 * (base, LoRA rank, concepts) and closes it.
 */
public final class ReplayedGradients implements GradientReader {

    private final StemmaModel model;
    private final LoraGradients gradients;
    private final FactorLayout layout;
    private final List<String> ids;
    private final float[][] images;
    private final float[][] conditions;
    private final long[] steps;
    private final List<Map<String, float[]>> states;
    private final int[] timesteps;
    private final float[][] noise;
    private final boolean separate;
    private final long progressNanos;
    private final Consumer<String> progress;

    private ReplayedGradients(StemmaModel model, LoraGradients gradients, FactorLayout layout, List<String> ids, float[][] images,
                              float[][] conditions, long[] steps, List<Map<String, float[]>> states, GradientReplayConfig config,
                              Consumer<String> progress) {
        this.model = model;
        this.gradients = gradients;
        this.layout = layout;
        this.ids = ids;
        this.images = images;
        this.conditions = conditions;
        this.steps = steps;
        this.states = states;
        this.timesteps = config.timesteps().stream().mapToInt(Integer::intValue).toArray();
        int pixels = model.config().imageChannels() * model.config().imageSize() * model.config().imageSize();
        this.noise = new float[timesteps.length][];
        for (int k = 0; k < timesteps.length; k++) {
            noise[k] = NoiseSchedule.noise(Seeds.mix(config.noiseSeed(), timesteps[k]), pixels);
        }
        this.separate = config.separateTimesteps();
        this.progressNanos = config.progressEvery().toNanos();
        this.progress = progress;
    }

    /**
     * Gradients of {@code images} (C*H*W floats in [-1, 1], named by {@code ids}) replayed at
     * checkpoints of {@code run}.
     *
     * @param model    base + adapters of the run's shape, open; its adapter values are replaced
     * @param concepts the concept of each image, for own-token conditioning; may be null under the null token
     * @param progress receives a progress line every few seconds while gradients stream
     * @throws IllegalArgumentException if the model's LoRA factors are not the run's, or inputs disagree
     */
    public static ReplayedGradients replay(TrajectoryStore store, String run, StemmaModel model, List<String> ids,
                                           float[][] images, List<String> concepts, GradientReplayConfig config,
                                           Consumer<String> progress) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(progress, "progress");
        RunManifest manifest = store.manifest(run)
                .orElseThrow(() -> new IllegalArgumentException("Run " + run + " in " + store.directory() + " has no manifest"));
        LoraGradients gradients = LoraGradients.of(model);
        FactorLayout layout = FactorLayout.of(gradients);
        layout.requireSame(FactorLayout.loraFactors(manifest), "The model's LoRA factors differ from run " + run + "'s");
        if (ids.size() != images.length) {
            throw new IllegalArgumentException(ids.size() + " ids for " + images.length + " images");
        }
        float[][] conditions = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            if (config.conditioning() == Conditioning.OWN_TOKEN) {
                if (concepts == null || concepts.size() != images.length) {
                    throw new IllegalArgumentException("Own-token conditioning needs the concept of each of the " + images.length + " images");
                }
                conditions[i] = model.condition(concepts.get(i));
            } else {
                conditions[i] = model.nullCondition();
            }
        }
        long[] recorded = RecordedSteps.of(store, run, layout.names().get(0));
        long[] steps = RecordedSteps.spread(recorded, config.checkpoints());
        List<Map<String, float[]>> states = new ArrayList<>();
        for (long step : steps) {
            states.add(adapterAt(store, run, step));
        }
        return new ReplayedGradients(model, gradients, layout, List.copyOf(ids), images.clone(), conditions, steps, states,
                config, progress);
    }

    /** The factor layout of every gradient (the columns {@link StoredWeightUpdates} must have). */
    public FactorLayout layout() {
        return layout;
    }

    /** The recorded steps whose adapter states the checkpoints hold (a copy). */
    public long[] checkpointSteps() {
        return steps.clone();
    }

    /** Gradient slots: checkpoints, times timesteps when they are kept apart. */
    @Override
    public int checkpoints() {
        return steps.length * (separate ? timesteps.length : 1);
    }

    @Override
    public int parameters() {
        return layout.columns();
    }

    /** Number of images streamed. */
    public int images() {
        return images.length;
    }

    /** Streams every image's gradient at every checkpoint, checkpoint by checkpoint. */
    @Override
    public void forEachGradient(GradientVisitor visitor) {
        synchronized (model) {
            float[] buffer = new float[parameters()];
            Progress tick = new Progress((long) images.length * checkpoints());
            for (int c = 0; c < steps.length; c++) {
                model.setAdapterTensors(states.get(c));
                for (int i = 0; i < images.length; i++) {
                    for (int slot = 0; slot < slotsPerCheckpoint(); slot++) {
                        compute(images[i], conditions[i], slot, buffer, ids.get(i), c);
                        visitor.visit(i, c * slotsPerCheckpoint() + slot, buffer);
                        tick.done(c);
                    }
                }
            }
        }
    }

    /**
     * The gradients of one query image at every checkpoint ({@code [checkpoint][parameter]}, the
     * shape {@link dev.stemma.analyzer.Query#withGradients} takes), under the null token or
     * {@code concept}'s token.
     */
    public float[][] gradientsOf(float[] image, String concept) {
        return gradientsOf(new float[][] {image}, concept == null ? null : List.of(concept)).get(0);
    }

    /**
     * The gradients of several query images, checkpoint by checkpoint (the adapter is loaded once per
     * checkpoint); {@code concepts} null means the null token for all, a null entry for that image.
     * Match the training images' conditioning (RESEARCH.md: null-token queries against own-token
     * training gradients score at chance).
     */
    public List<float[][]> gradientsOf(float[][] queries, List<String> concepts) {
        if (concepts != null && concepts.size() != queries.length) {
            throw new IllegalArgumentException(concepts.size() + " concepts for " + queries.length + " queries");
        }
        float[][] queryConditions = new float[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            String concept = concepts == null ? null : concepts.get(q);
            queryConditions[q] = concept == null ? model.nullCondition() : model.condition(concept);
        }
        return gradientsUnder(queries, queryConditions);
    }

    /**
     * As {@link #gradientsOf(float[][], List)} under arbitrary conditioning weights per query (a mix
     * of tokens, {@link StemmaModel#mix}; {@link StemmaModel#nullCondition} for content only).
     */
    public List<float[][]> gradientsUnder(float[][] queries, float[][] queryConditions) {
        if (queryConditions.length != queries.length) {
            throw new IllegalArgumentException(queryConditions.length + " conditionings for " + queries.length + " queries");
        }
        synchronized (model) {
            List<float[][]> out = new ArrayList<>();
            for (int q = 0; q < queries.length; q++) {
                out.add(new float[checkpoints()][]);
            }
            Progress tick = new Progress((long) queries.length * checkpoints());
            for (int c = 0; c < steps.length; c++) {
                model.setAdapterTensors(states.get(c));
                for (int q = 0; q < queries.length; q++) {
                    for (int slot = 0; slot < slotsPerCheckpoint(); slot++) {
                        float[] g = new float[parameters()];
                        compute(queries[q], queryConditions[q], slot, g, "query " + q, c);
                        out.get(q)[c * slotsPerCheckpoint() + slot] = g;
                        tick.done(c);
                    }
                }
            }
            return out;
        }
    }

    private int slotsPerCheckpoint() {
        return separate ? timesteps.length : 1;
    }

    private void compute(float[] image, float[] condition, int slot, float[] out, String what, int checkpoint) {
        try {
            if (separate) {
                gradients.gradient(image, condition, new int[] {timesteps[slot]}, new float[][] {noise[slot]}, out);
            } else {
                gradients.gradient(image, condition, timesteps, noise, out);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("Gradient of " + what + " at step " + steps[checkpoint] + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, float[]> adapterAt(TrajectoryStore store, String run, long step) {
        Map<String, float[]> state = new HashMap<>();
        try (StoreIterator<NamedTensor> it = store.factorsAt(run, step)) {
            while (it.hasNext()) {
                NamedTensor t = it.next();
                state.put(t.name(), t.value().toFloatArray());
            }
        }
        if (state.isEmpty()) {
            throw new IllegalArgumentException("Run " + run + " recorded no factors at step " + step);
        }
        return state;
    }

    /** Reports "gradients done/total" at most every {@code progressNanos}. */
    private final class Progress {
        private final long total;
        private final long start = System.nanoTime();
        private long done;
        private long last = start;

        Progress(long total) {
            this.total = total;
        }

        void done(int checkpoint) {
            done++;
            long now = System.nanoTime();
            if (now - last >= progressNanos && done < total) {
                last = now;
                double msEach = (now - start) / 1e6 / done;
                progress.accept(String.format("gradients %d/%d (checkpoint %d/%d, step %d), %.0f ms each, about %.0f s left",
                        done, total, checkpoint + 1, steps.length, steps[checkpoint], msEach, msEach * (total - done) / 1000));
            }
        }
    }

    @Override
    public String toString() {
        return "ReplayedGradients[" + images.length + " images, steps " + Arrays.toString(steps) + ", timesteps "
                + Arrays.toString(timesteps) + (separate ? " apart" : " summed") + ", " + layout + "]";
    }
}
