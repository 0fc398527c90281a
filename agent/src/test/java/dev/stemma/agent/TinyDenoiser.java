package dev.stemma.agent;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.stemma.protocol.BatchItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A tiny real denoiser on DJL's PyTorch engine for the agent's tests: a frozen 3x3 convolution
 * ("enc"), a trainable 1x1 convolution standing in for an adapter ("mid"), a frozen 1x1 output
 * convolution. It trains on 8x8 single-channel images of two concepts with seeded batches, and
 * implements {@link MonitoredModel} the way a real job does. It ignores conditioning.
 */
public final class TinyDenoiser implements MonitoredModel, AutoCloseable {
    public static final int SIZE = 8;
    public static final int IMAGES_PER_CONCEPT = 6;
    private static final int BATCH = 4;

    private final Model model;
    private final SequentialBlock block;
    private final Trainer trainer;
    private final List<ProbeImage> images = new ArrayList<>();
    private final long seed;
    private List<BatchItem> batch = List.of();
    private long step;

    public TinyDenoiser(long seed) {
        this.seed = seed;
        Engine.getInstance().setRandomSeed((int) seed);
        block = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(8).build())
                .add(Activation::relu)
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(8).build())
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build());
        model = Model.newInstance("tiny-denoiser", Device.cpu(), "PyTorch");
        model.setBlock(block);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build())
                .optDevices(new Device[] {Device.cpu()});
        trainer = model.newTrainer(config);
        trainer.initialize(new Shape(BATCH, 1, SIZE, SIZE));
        // newTrainer unfreezes everything (STYLE.md): freeze the "base" after it.
        block.getChildren().valueAt(0).freezeParameters(true);
        block.getChildren().valueAt(3).freezeParameters(true);
        Random r = new Random(seed);
        for (String concept : concepts()) {
            for (int i = 0; i < IMAGES_PER_CONCEPT; i++) {
                float[] px = new float[SIZE * SIZE];
                for (int p = 0; p < px.length; p++) {
                    px[p] = (concept.equals("a") ? (p % SIZE) : (p / SIZE)) / (float) SIZE + 0.1f * (float) r.nextGaussian();
                }
                images.add(new ProbeImage(concept + "/" + i, concept, px, 1, SIZE, SIZE));
            }
        }
    }

    public Trainer trainer() {
        return trainer;
    }

    /** Runs {@code n} training steps; {@code listeners} see each batch before the update. */
    public void train(int n, List<TrainingListener> listeners) {
        listeners.forEach(l -> l.onTrainingBegin(trainer));
        for (int i = 0; i < n; i++) {
            trainStep(listeners);
        }
        listeners.forEach(l -> l.onTrainingEnd(trainer));
    }

    /** One step with a batch drawn from a generator seeded by (seed, step). */
    public void trainStep(List<TrainingListener> listeners) {
        Random r = new Random(seed * 7919 + step);
        List<BatchItem> items = new ArrayList<>();
        float[] x = new float[BATCH * SIZE * SIZE];
        float[] eps = new float[x.length];
        float[] scale = new float[BATCH];
        for (int b = 0; b < BATCH; b++) {
            ProbeImage img = images.get(r.nextInt(images.size()));
            int t = r.nextInt(1000);
            long noiseSeed = r.nextLong();
            items.add(new BatchItem(img.imageId(), t, noiseSeed));
            System.arraycopy(img.pixels(), 0, x, b * SIZE * SIZE, SIZE * SIZE);
            Random nr = new Random(noiseSeed);
            for (int p = 0; p < SIZE * SIZE; p++) {
                eps[b * SIZE * SIZE + p] = (float) nr.nextGaussian();
            }
            scale[b] = t / 1000f;
        }
        batch = List.copyOf(items);
        try (NDManager m = trainer.getManager().newSubManager()) {
            Shape s = new Shape(BATCH, 1, SIZE, SIZE);
            NDArray noise = m.create(eps, s);
            NDArray xt = m.create(x, s).add(noise.mul(m.create(scale, new Shape(BATCH, 1, 1, 1))));
            NDList labels = new NDList(noise);
            NDList preds;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                preds = trainer.forward(new NDList(xt));
                NDArray loss = trainer.getLoss().evaluate(labels, preds);
                gc.backward(loss);
            }
            TrainingListener.BatchData data = new TrainingListener.BatchData(null,
                    Map.of(Device.cpu(), labels), Map.of(Device.cpu(), preds));
            listeners.forEach(l -> l.onTrainingBatch(trainer, data));
            trainer.step();
        }
        step++;
    }

    /** The output of the current model on {@code x}, as floats (inference, no gradient). */
    public float[] output(float[] x, int n) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray in = m.create(x, new Shape(n, 1, SIZE, SIZE));
            return block.forward(new ParameterStore(m, false), new NDList(in), false).singletonOrThrow().toFloatArray();
        }
    }

    /** Sets the adapter ("mid") parameters to the given values, as replay does. */
    public void loadAdapter(Map<String, float[]> values) {
        Block mid = block.getChildren().valueAt(2);
        for (var p : mid.getParameters()) {
            float[] v = values.get("mid/" + p.getKey());
            NDArray arr = p.getValue().getArray();
            arr.set(v);
        }
    }

    @Override
    public Map<String, NDArray> adapterTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (var p : block.getChildren().valueAt(2).getParameters()) {
            out.put("mid/" + p.getKey(), p.getValue().getArray());
        }
        return out;
    }

    @Override
    public List<BatchItem> currentBatch() {
        return batch;
    }

    @Override
    public List<String> tappableLayers() {
        return List.of("enc", "mid");
    }

    @Override
    public List<String> concepts() {
        return List.of("a", "b");
    }

    @Override
    public List<ProbeImage> trainingImages() {
        return images;
    }

    @Override
    public NDArray generate(NDManager manager, String concept, long genSeed, int count) {
        Random r = new Random(genSeed);
        float[] z = new float[count * SIZE * SIZE];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        NDArray in = manager.create(z, new Shape(count, 1, SIZE, SIZE));
        return block.forward(new ParameterStore(manager, false), new NDList(in), false).singletonOrThrow();
    }

    @Override
    public Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int timestep, NDArray noise,
                                             List<String> tokens, Set<String> layers) {
        ParameterStore ps = new ParameterStore(manager, false);
        float s = timestep / 1000f;
        NDArray x = cleanImages.add(noise.mul(s));
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDList h = block.getChildren().valueAt(0).forward(ps, new NDList(x), false);
        h = block.getChildren().valueAt(1).forward(ps, h, false);
        out.put("enc", h.singletonOrThrow());
        if (layers.contains("mid")) {
            h = block.getChildren().valueAt(2).forward(ps, h, false);
            out.put("mid", h.singletonOrThrow());
        }
        out.keySet().retainAll(layers);
        return out;
    }

    @Override
    public long currentStep() {
        return step;
    }

    @Override
    public float currentLearningRate() {
        return 1e-2f;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
