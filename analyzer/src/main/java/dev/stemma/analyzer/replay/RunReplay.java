package dev.stemma.analyzer.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stemma.agent.ActivationPooler;
import dev.stemma.agent.ProbeNoise;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.store.StepGrid;
import dev.stemma.analyzer.store.StoredProbeTrajectories.Channel;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.StemmaTrainer;
import dev.stemma.trainer.model.LoraSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A recorded run's model, rebuilt at any recorded step as base + stored factors(step), and the
 * probe forward the agent ran, applied to images of the caller's choosing. The base is the one
 * the run's manifest names (checked against its sha256) unless the caller gives another copy.
 * Not thread-safe: one replay at a time.
 */
public final class RunReplay implements AutoCloseable {
    /** Images per probe forward, as the agent's default probe batch. */
    static final int BATCH = 64;

    private final TrajectoryStore store;
    private final RunManifest manifest;
    private final StemmaModel model;
    private final Path baseDir;
    private final LoraSpec lora;
    private long loadedStep = -1;

    private RunReplay(TrajectoryStore store, RunManifest manifest, Path baseDir, LoraSpec lora) {
        this.store = store;
        this.manifest = manifest;
        this.baseDir = baseDir;
        this.lora = lora;
        this.model = newModel();
    }

    /**
     * Another model of the run's shape (base + untrained adapters), for work that sets its own
     * adapter states (gradient replay); the caller closes it.
     */
    public StemmaModel newModel() {
        return StemmaModel.openForReplay(baseDir, lora, manifest.concepts());
    }

    /**
     * Opens the replay of {@code runId}; {@code base} overrides the base directory the run
     * recorded (null keeps it).
     *
     * @throws IllegalArgumentException if the run is unknown, its base cannot be found or is not
     *                                  the one it was trained on, or it lacks the LoRA settings
     */
    public static RunReplay open(TrajectoryStore store, String runId, Path base) {
        RunManifest manifest = store.manifest(runId)
                .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no manifest in " + store.directory()));
        Map<String, String> config = manifest.config();
        Path baseDir = base != null ? base : config.containsKey("base") ? Path.of(config.get("base")) : null;
        if (baseDir == null) {
            throw new IllegalArgumentException("run " + runId + " does not name its base model; give --base DIR");
        }
        if (!Files.isDirectory(baseDir)) {
            throw new IllegalArgumentException("base model " + baseDir + " of run " + runId + " does not exist; give --base DIR");
        }
        String sha = StemmaTrainer.baseSha256(baseDir);
        if (!sha.equals(manifest.baseModelSha256())) {
            throw new IllegalArgumentException("base " + baseDir + " (sha256 " + sha + ") is not the base run " + runId
                    + " was trained on (" + manifest.baseModelSha256() + ")");
        }
        LoraSpec lora = new LoraSpec(intSetting(config, "rank", runId), (float) doubleSetting(config, "alpha", runId));
        return new RunReplay(store, manifest, baseDir, lora);
    }

    /** The base model directory replay runs on (the run's, checked by sha256, or the one given). */
    public Path baseDirectory() {
        return baseDir;
    }

    /** The run's manifest. */
    public RunManifest manifest() {
        return manifest;
    }

    /** The rebuilt model, at the step last loaded. */
    public StemmaModel model() {
        return model;
    }

    /** The last step the run stored LoRA factors at: the finished model. */
    public long finalStep() {
        List<String> names = store.factorNames(manifest.runId());
        if (names.isEmpty()) {
            throw new IllegalArgumentException("run " + manifest.runId() + " stored no LoRA factors");
        }
        long last = -1;
        try (var it = store.factorTrajectory(manifest.runId(), names.get(0), 0, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                last = it.next().step();
            }
        }
        return last;
    }

    /** Sets the adapters to the factors stored at {@code step}. */
    public void loadStep(long step) {
        if (step == loadedStep) {
            return;
        }
        Map<String, float[]> tensors = new HashMap<>();
        try (StoreIterator<NamedTensor> it = store.factorsAt(manifest.runId(), step)) {
            while (it.hasNext()) {
                NamedTensor t = it.next();
                tensors.put(t.name(), t.value().toFloatArray());
            }
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("run " + manifest.runId() + " stored no factors at step " + step);
        }
        model.setAdapterTensors(tensors);
        loadedStep = step;
    }

    /**
     * The trajectories of {@code images} (CHW pixels in [-1, 1]) over the {@code grid}'s steps, in
     * the given channels (the grid's, in order): at each step the model is rebuilt and each image is
     * noised to the timestep of each channel recorded at that step with the run's probe noise of
     * its slot ({@code noiseSlots[i]}; a recorded probe's id reproduces its recorded activations,
     * slot 0 is the convention for new images), run under {@code tokens[i]} (a concept, or null for
     * the null token) and pooled as the agent pooled.
     */
    public List<Trajectory> trajectories(float[][] images, List<String> tokens, int[] noiseSlots, List<Channel> channels,
                                         StepGrid grid, Consumer<String> progress) {
        float[][] conditions = new float[tokens.size()][];
        for (int i = 0; i < conditions.length; i++) {
            conditions[i] = tokens.get(i) == null ? model.nullCondition() : model.condition(tokens.get(i));
        }
        return trajectories(images, conditions, noiseSlots, channels, grid, progress);
    }

    /**
     * As {@link #trajectories(float[][], List, int[], List, StepGrid, Consumer)} under arbitrary
     * conditioning weights per image (a mix of tokens; see {@link StemmaModel#mix}).
     */
    public List<Trajectory> trajectories(float[][] images, float[][] conditions, int[] noiseSlots, List<Channel> channels,
                                         StepGrid grid, Consumer<String> progress) {
        int n = images.length;
        if (conditions.length != n || noiseSlots.length != n) {
            throw new IllegalArgumentException(n + " images, " + conditions.length + " conditionings, " + noiseSlots.length
                    + " noise slots");
        }
        if (grid.channels() != channels.size()) {
            throw new IllegalArgumentException("a step grid of " + grid.channels() + " channels for " + channels.size());
        }
        int c = model.config().imageChannels();
        int size = model.config().imageSize();
        int per = c * size * size;
        for (int i = 0; i < n; i++) {
            if (images[i].length != per) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length + " values; the model takes "
                        + c + "x" + size + "x" + size);
            }
        }
        Set<Integer> timesteps = new LinkedHashSet<>();
        channels.forEach(ch -> timesteps.add(ch.timestep()));
        Map<Integer, float[][]> noise = new HashMap<>();
        for (int t : timesteps) {
            float[][] rows = new float[n][];
            Map<Integer, float[]> bySlot = new HashMap<>();
            for (int i = 0; i < n; i++) {
                rows[i] = bySlot.computeIfAbsent(noiseSlots[i], s -> ProbeNoise.slot(manifest.seed(), t, s, per));
            }
            noise.put(t, rows);
        }
        float[][][][] values = new float[n][channels.size()][grid.count()][];
        Map<Long, List<StepGrid.Cell>> cellsByStep = grid.cellsByStep();
        long started = System.nanoTime();
        long lastReport = started;
        int done = 0;
        for (Map.Entry<Long, List<StepGrid.Cell>> at : cellsByStep.entrySet()) {
            loadStep(at.getKey());
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                forwardBatch(images, conditions, noise, channels, at.getValue(), from, to, values);
            }
            done++;
            long now = System.nanoTime();
            if (progress != null && (now - lastReport > 5_000_000_000L || done == cellsByStep.size())) {
                lastReport = now;
                progress.accept(String.format("replay: step %d (%d of %d recorded steps), %d image(s), %.1f s",
                        at.getKey(), done, cellsByStep.size(), n, (now - started) / 1e9));
            }
        }
        List<Trajectory> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Trajectory(values[i]));
        }
        return out;
    }

    /** Images {@code [from, to)} at the loaded step, in the channels of {@code cells} (recorded at that step). */
    private void forwardBatch(float[][] images, float[][] conditions, Map<Integer, float[][]> noise, List<Channel> channels,
                              List<StepGrid.Cell> cells, int from, int to, float[][][][] values) {
        int b = to - from;
        int c = model.config().imageChannels();
        int size = model.config().imageSize();
        Shape shape = new Shape(b, c, size, size);
        Map<Integer, List<StepGrid.Cell>> cellsByTimestep = new LinkedHashMap<>();
        for (StepGrid.Cell cell : cells) {
            cellsByTimestep.computeIfAbsent(channels.get(cell.channel()).timestep(), t -> new ArrayList<>()).add(cell);
        }
        try (NDManager m = model.newManager()) {
            NDArray x = m.create(concat(images, from, to), shape);
            float[][] batchConditions = Arrays.copyOfRange(conditions, from, to);
            for (Map.Entry<Integer, List<StepGrid.Cell>> e : cellsByTimestep.entrySet()) {
                int t = e.getKey();
                Set<String> layers = new LinkedHashSet<>();
                e.getValue().forEach(cell -> layers.add(channels.get(cell.channel()).layer()));
                NDArray eps = m.create(concat(noise.get(t), from, to), shape);
                Map<String, NDArray> acts = model.probeForward(m, x, t, eps, batchConditions, layers);
                for (StepGrid.Cell cell : e.getValue()) {
                    Channel ch = channels.get(cell.channel());
                    float[] pooled = ActivationPooler.pool(acts.get(ch.layer()), ch.pooling()).toFloatArray();
                    int d = pooled.length / b;
                    for (int i = 0; i < b; i++) {
                        values[from + i][cell.channel()][cell.index()] = Arrays.copyOfRange(pooled, i * d, (i + 1) * d);
                    }
                }
            }
        }
    }

    private static float[] concat(float[][] rows, int from, int to) {
        int per = rows[from].length;
        float[] out = new float[(to - from) * per];
        for (int i = from; i < to; i++) {
            System.arraycopy(rows[i], 0, out, (i - from) * per, per);
        }
        return out;
    }

    private static int intSetting(Map<String, String> config, String key, String runId) {
        return (int) Math.round(doubleSetting(config, key, runId));
    }

    private static double doubleSetting(Map<String, String> config, String key, String runId) {
        String v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("run " + runId + " does not record its LoRA '" + key
                    + "'; only runs of stemma train can be replayed");
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("run " + runId + " records LoRA " + key + " '" + v + "', not a number");
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
