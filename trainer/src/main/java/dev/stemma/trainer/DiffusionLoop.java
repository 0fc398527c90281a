package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import dev.stemma.protocol.BatchItem;
import dev.stemma.trainer.model.InPlace;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.TensorFile;
import dev.stemma.trainer.model.UNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The DDPM training loop (noise prediction, mean squared error) over a {@link UNet} in a DJL
 * {@link Trainer}: per step, the planned batch is noised in Java from its seeds, forwarded and
 * backpropagated in a sub-manager; the loss and the global gradient norm are checked (a non-finite
 * one stops the run with an error naming the step); gradients are clipped to {@code clipNorm}; the
 * listeners see the step ({@code onTrainingBatch}, after backward and before the update); then Adam
 * updates the trainable parameters and the EMA follows. Checkpoints hold the trainable parameters,
 * Adam's moments and the EMA, so a resumed run continues with the same losses.
 */
final class DiffusionLoop implements AutoCloseable {
    static final String CHECKPOINT_FILE = "checkpoint.stw";
    static final String CHECKPOINT_STEP_FILE = "checkpoint.step";

    private final UNet unet;
    private final Model model;
    private final Examples examples;
    private final LoopSettings settings;
    private final BatchPlanner planner;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();
    private final ClippedAdam adam = new ClippedAdam();
    private final Trainer trainer;
    private final Ema ema;
    private final Path checkpointDir;
    private final Consumer<String> log;
    private volatile List<BatchItem> current = List.of();
    private volatile long currentStep = -1;
    private volatile float currentLoss = Float.NaN;
    /** Forward-backward passes a step may take before its update is skipped. */
    static final int MAX_ATTEMPTS = 3;
    private long retriedSteps;
    private long skippedSteps;

    DiffusionLoop(UNet unet, Model model, Examples examples, LoopSettings settings, double priorFraction,
                  Predicate<String> trainableNames, float emaDecay, Path checkpointDir,
                  List<TrainingListener> listeners, Consumer<String> log) {
        this.unet = unet;
        this.model = model;
        this.examples = examples;
        this.settings = settings;
        this.checkpointDir = checkpointDir;
        this.log = log;
        this.planner = new BatchPlanner(examples, settings.seed(), settings.batchSize(), priorFraction,
                settings.conditionDropout());
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss("noise_mse", 1f))
                .optOptimizer(adam)
                .optDevices(new Device[] {Device.cpu()});
        for (TrainingListener l : listeners) {
            config.addTrainingListeners(l);
        }
        unet.parametersByName().forEach((name, p) -> {
            if (trainableNames.test(name)) {
                trainable.put(name, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalStateException("no parameter is trainable");
        }
        this.trainer = model.newTrainer(config);
        // newTrainer() unfreezes every parameter (STYLE.md): freeze what must not train after it.
        unet.parametersByName().forEach((name, p) -> p.freeze(!trainable.containsKey(name)));
        this.ema = emaDecay > 0 ? new Ema(model.getNDManager(), trainable, emaDecay) : null;
    }

    /** Multiplies the learning rate of the trainable parameters whose names {@code names} selects. */
    void scaleLearningRate(Predicate<String> names, float multiplier) {
        trainable.forEach((name, p) -> {
            if (names.test(name)) {
                adam.scaleLearningRate(p.getId(), multiplier);
            }
        });
    }

    /** The batch of the step being trained, as listeners see it. */
    List<BatchItem> currentBatch() {
        return current;
    }

    /** The 0-based number of the step being trained, or -1 before the first. */
    long currentStep() {
        return currentStep;
    }

    /** The loss of the step being trained, as listeners see it. */
    float currentLoss() {
        return currentLoss;
    }

    /** The learning rate the step being trained applies. */
    float currentLearningRate() {
        return currentStep < 0 ? 0f : settings.learningRateAt(currentStep);
    }

    Map<String, Parameter> trainable() {
        return Collections.unmodifiableMap(trainable);
    }

    /** EMA weights by name, or null when the loop keeps none. */
    Map<String, NDArray> emaWeights() {
        return ema == null ? null : ema.averages();
    }

    /** The loss of every planned step from {@code firstStep} to the end, in order. */
    List<Float> run(long firstStep) throws IOException {
        List<Float> losses = new ArrayList<>();
        long started = System.nanoTime();
        long window = started;
        for (long step = firstStep; step < settings.steps(); step++) {
            losses.add(step(step));
            if ((step + 1) % 50 == 0 || step + 1 == settings.steps()) {
                long now = System.nanoTime();
                int n = (int) Math.min(50, step + 1 - firstStep);
                double avg = losses.subList(losses.size() - n, losses.size()).stream().mapToDouble(Float::doubleValue).average()
                        .orElse(Double.NaN);
                log.accept(String.format("step %d/%d  loss %.4f  %.0f ms/step  lr %.2e", step + 1, settings.steps(), avg,
                        (now - window) / 1e6 / n, settings.learningRateAt(step)));
                window = now;
            }
            if (checkpointDir != null && settings.checkpointEvery() > 0 && (step + 1) % settings.checkpointEvery() == 0
                    && step + 1 < settings.steps()) {
                writeCheckpoint(step + 1);
            }
        }
        trainer.notifyListeners(l -> l.onEpoch(trainer));
        return losses;
    }

    private float step(long step) {
        List<BatchItem> items = planner.plan(step);
        current = items;
        currentStep = step;
        int n = items.size();
        int c = unet.config().imageChannels();
        int s = unet.config().imageSize();
        int per = c * s * s;
        int rows = unet.conditionRows();
        float[] xt = new float[n * per];
        float[] eps = new float[n * per];
        float[] ts = new float[n];
        float[] w = new float[n * rows];
        for (int i = 0; i < n; i++) {
            BatchItem item = items.get(i);
            int index = examples.indexOf(item.imageId());
            float[] noise = NoiseSchedule.noise(item.noiseSeed(), per);
            System.arraycopy(noise, 0, eps, i * per, per);
            NoiseSchedule.noisy(examples.image(index), noise, item.timestep(), xt, i * per);
            ts[i] = item.timestep();
            w[i * rows + (planner.dropsCondition(item) ? 0 : examples.conditionRow(index))] = 1f;
        }
        NDManager root = model.getNDManager();
        try (NDManager sub = root.newSubManager()) {
            Shape shape = new Shape(n, c, s, s);
            NDList data = new NDList(sub.create(xt, shape), sub.create(ts), sub.create(w, new Shape(n, rows)));
            NDList labels = new NDList(sub.create(eps, shape));
            NDArray pred = null;
            float lossValue = Float.NaN;
            double norm = Double.NaN;
            // A non-finite gradient under a finite loss was seen intermittently (RESEARCH.md: "gradients
            // were intermittently NaN"): DJL's mul(Number) scalars, freed by a GC between forward and
            // backward (model.Scalars). That is fixed; should anything else do it, recompute the step up
            // to twice and, if it is still not finite, skip the update (as a loss scaler does) and count it.
            for (int attempt = 0; attempt < MAX_ATTEMPTS && !Double.isFinite(norm); attempt++) {
                zeroGradients(sub);
                NDArray loss;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    pred = trainer.forward(data).singletonOrThrow();
                    loss = pred.sub(labels.singletonOrThrow()).square().mean();
                    gc.backward(loss);
                }
                lossValue = loss.getFloat();
                if (!Float.isFinite(lossValue)) {
                    throw new IllegalStateException("step " + step + ": training loss is " + lossValue
                            + "; stopped (lower --lr or --clip-norm)");
                }
                norm = gradientNorm(sub);
                if (!Double.isFinite(norm)) {
                    String where = firstNonFinite(sub);
                    boolean last = attempt == MAX_ATTEMPTS - 1;
                    log.accept("step " + step + ": gradient norm " + norm + " (first in " + where + ") under loss "
                            + lossValue + (last ? "; skipping this step's update" : "; recomputing the step"));
                    retriedSteps++;
                }
            }
            boolean skip = !Double.isFinite(norm);
            if (skip) {
                skippedSteps++;
                zeroGradients(sub);
            }
            currentLoss = lossValue;
            float scale = skip || norm <= settings.clipNorm() ? 1f : (float) (settings.clipNorm() / norm);
            Batch batch = new Batch(sub, data, labels, n, Batchifier.STACK, Batchifier.STACK, step, settings.steps());
            TrainingListener.BatchData batchData = new TrainingListener.BatchData(batch,
                    Map.of(Device.cpu(), labels), Map.of(Device.cpu(), new NDList(pred)));
            trainer.notifyListeners(l -> l.onTrainingBatch(trainer, batchData));
            if (!skip) {
                adam.prepare(step + 1, settings.learningRateAt(step), scale);
                trainer.step();
            }
            if (ema != null) {
                ema.update(step);
            }
            return lossValue;
        }
    }

    /**
     * Sets every gradient to exactly zero in place, NaN and infinity included: x^0 is 1 for every x
     * (IEEE 754), minus 1 is 0. Multiplying by zero would keep a NaN a NaN; {@code set(...)} would
     * rebind the gradient's storage to a buffer that this temporary handle owns, which is freed
     * with the handle.
     */
    private void zeroGradients(NDManager sub) {
        for (Parameter p : trainable.values()) {
            NDArray array = p.getArray();
            if (array.hasGradient()) {
                NDArray g = array.getGradient();
                g.attach(sub);
                // overwrite in place, never multiply (NaN * 0 is NaN, and PyTorch accumulates into .grad),
                // and never set(Buffer): DJL then aliases the tensor to a Java buffer that dies with g
                g.set(new NDIndex("..."), 0f);
            }
        }
    }

    /** Steps whose gradient had to be recomputed once (see {@link #step}). */
    long retriedSteps() {
        return retriedSteps;
    }

    /** Steps whose gradient stayed non-finite after {@link #MAX_ATTEMPTS} passes: no update was made. */
    long skippedSteps() {
        return skippedSteps;
    }

    private String firstNonFinite(NDManager sub) {
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            NDArray array = e.getValue().getArray();
            if (array.hasGradient()) {
                NDArray g = array.getGradient();
                g.attach(sub);
                if (!Float.isFinite(g.square().sum().getFloat())) {
                    return e.getKey();
                }
            }
        }
        return "no parameter";
    }

    private double gradientNorm(NDManager sub) {
        double sum = 0;
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            NDArray array = e.getValue().getArray();
            if (!array.hasGradient()) {
                continue;
            }
            NDArray g = array.getGradient();
            g.attach(sub);
            sum += g.square().sum().getFloat();
        }
        return Math.sqrt(sum);
    }

    /** Writes trainable parameters, Adam moments and EMA weights, then the step they belong to. */
    void writeCheckpoint(long nextStep) throws IOException {
        Map<String, TensorFile.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            Parameter p = e.getValue();
            long[] shape = p.getShape().getShape();
            out.put("param/" + e.getKey(), new TensorFile.Tensor(shape, p.getArray().toFloatArray()));
            NDArray[] st = adam.state(p.getId());
            if (st != null) {
                out.put("adam_m/" + e.getKey(), new TensorFile.Tensor(shape, st[0].toFloatArray()));
                out.put("adam_v/" + e.getKey(), new TensorFile.Tensor(shape, st[1].toFloatArray()));
            }
        }
        if (ema != null) {
            ema.averages().forEach((name, a) -> out.put("ema/" + name, new TensorFile.Tensor(a.getShape().getShape(),
                    a.toFloatArray())));
        }
        TensorFile.write(checkpointDir.resolve(CHECKPOINT_FILE), out);
        Files.writeString(checkpointDir.resolve(CHECKPOINT_STEP_FILE), Long.toString(nextStep));
        log.accept("checkpoint at step " + nextStep + " in " + checkpointDir.resolve(CHECKPOINT_FILE));
    }

    /** Restores a checkpoint written by {@link #writeCheckpoint}; returns the step to continue from. */
    long restoreCheckpoint() throws IOException {
        Path stepFile = checkpointDir.resolve(CHECKPOINT_STEP_FILE);
        if (!Files.isRegularFile(stepFile)) {
            throw new IllegalArgumentException("no checkpoint to resume from in " + checkpointDir);
        }
        long next = Long.parseLong(Files.readString(stepFile).strip());
        Map<String, TensorFile.Tensor> in = TensorFile.read(checkpointDir.resolve(CHECKPOINT_FILE));
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            TensorFile.Tensor t = in.get("param/" + e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("checkpoint in " + checkpointDir + " lacks " + e.getKey());
            }
            Parameter p = e.getValue();
            InPlace.copy(p.getArray(), t.values());
            TensorFile.Tensor m = in.get("adam_m/" + e.getKey());
            TensorFile.Tensor v = in.get("adam_v/" + e.getKey());
            if (m != null && v != null) {
                adam.restore(p.getId(), model.getNDManager(), m.values(), v.values(), p.getShape());
            }
            if (ema != null && in.containsKey("ema/" + e.getKey())) {
                ema.restore(e.getKey(), in.get("ema/" + e.getKey()).values());
            }
        }
        log.accept("resuming from step " + next + " of " + checkpointDir.resolve(CHECKPOINT_FILE));
        return next;
    }

    @Override
    public void close() {
        if (ema != null) {
            ema.close();
        }
        trainer.close(); // notifies onTrainingEnd
    }
}
