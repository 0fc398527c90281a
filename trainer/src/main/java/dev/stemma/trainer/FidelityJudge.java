package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.trainer.data.ImageDataset;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The project's fidelity judge: a small CNN classifier (two conv + pool stages, two linear layers)
 * trained on a labelled dataset (Adam, cosine learning rate, random horizontal flips), which scores generations as the share of samples of each class or
 * concept that it assigns to the intended class. Saved as {@code judge.params} (DJL's parameter
 * format) and {@code judge.json} (classes, image shape, accuracy per class on the test split).
 */
public final class FidelityJudge implements AutoCloseable {
    public static final int DEFAULT_EPOCHS = 6;
    /** Width of the penultimate layer, {@link #features}. */
    public static final int FEATURES = 128;
    private static final int BATCH = 128;

    private final Model model;
    private final List<String> classes;
    private final int channels;
    private final int size;

    private FidelityJudge(Model model, List<String> classes, int channels, int size) {
        this.model = model;
        this.classes = List.copyOf(classes);
        this.channels = channels;
        this.size = size;
    }

    private static SequentialBlock network(int classes) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(64).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(FEATURES).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(classes).build());
    }

    /** Trains a judge on {@code train} for {@code epochs} epochs with a seeded shuffle. */
    public static FidelityJudge train(ImageDataset train, int epochs, long seed, Consumer<String> log) {
        Model model = Model.newInstance("stemma-judge", Device.cpu(), "PyTorch");
        SequentialBlock net = network(train.classes().size());
        model.setBlock(net);
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.cosine().setBaseValue(1e-3f).optFinalValue(1e-5f)
                        .setMaxUpdates(epochs * ((train.size() + BATCH - 1) / BATCH)).build()).build())
                .optDevices(new Device[] {Device.cpu()});
        int c = train.channels();
        int s = train.height();
        int per = c * s * train.width();
        try (Trainer trainer = model.newTrainer(cfg)) {
            trainer.initialize(new Shape(1, c, s, train.width()));
            SplittableRandom random = new SplittableRandom(seed);
            int n = train.size();
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = permutation(n, random);
                double lossSum = 0;
                int batches = 0;
                for (int from = 0; from < n; from += BATCH) {
                    int m = Math.min(BATCH, n - from);
                    float[] x = new float[m * per];
                    float[] y = new float[m];
                    for (int i = 0; i < m; i++) {
                        float[] px = train.pixels(order[from + i]);
                        if (random.nextBoolean()) { // horizontal flip: clothes are left-right symmetric enough
                            int w = train.width();
                            for (int k = 0; k < per; k++) {
                                x[i * per + k] = px[k - k % w + (w - 1 - k % w)];
                            }
                        } else {
                            System.arraycopy(px, 0, x, i * per, per);
                        }
                        y[i] = train.label(order[from + i]);
                    }
                    try (NDManager sub = model.getNDManager().newSubManager()) {
                        for (Parameter p : net.getParameters().values()) {
                            if (p.getArray().hasGradient()) {
                                NDArray g = p.getArray().getGradient();
                                g.attach(sub);
                                g.muli(0f);
                            }
                        }
                        NDList data = new NDList(sub.create(x, new Shape(m, c, s, train.width())));
                        NDList labels = new NDList(sub.create(y));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(labels, trainer.forward(data));
                            gc.backward(loss);
                            lossSum += loss.getFloat();
                        }
                        trainer.step();
                    }
                    batches++;
                }
                log.accept(String.format("judge epoch %d/%d  loss %.4f", epoch + 1, epochs, lossSum / batches));
            }
        }
        return new FidelityJudge(model, train.classes(), c, s);
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    public List<String> classes() {
        return classes;
    }

    /** The class index the judge assigns to each image (CHW in [-1, 1]). */
    public int[] classify(float[][] images) {
        int[] out = new int[images.length];
        forwardInBatches(images, false, (from, output) -> {
            long[] arg = output.argMax(1).toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < arg.length; i++) {
                out[from + i] = (int) arg[i];
            }
        });
        return out;
    }

    /**
     * The judge's penultimate layer for each image (CHW in [-1, 1]): the {@value #FEATURES}
     * values after the first linear layer's ReLU, the embedding a classifier-based nearest
     * neighbour search compares images in.
     */
    public float[][] features(float[][] images) {
        float[][] out = new float[images.length][];
        forwardInBatches(images, true, (from, output) -> {
            float[] flat = output.toFloatArray();
            int width = (int) output.getShape().get(1);
            for (int i = 0; i < flat.length / width; i++) {
                out[from + i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
            }
        });
        return out;
    }

    private interface BatchOutput {
        void accept(int from, NDArray output);
    }

    /** Runs the network (without its last layer if {@code penultimate}) over batches of images. */
    private void forwardInBatches(float[][] images, boolean penultimate, BatchOutput sink) {
        int per = channels * size * size;
        List<ai.djl.nn.Block> layers = model.getBlock().getChildren().values();
        int depth = penultimate ? layers.size() - 1 : layers.size();
        for (int from = 0; from < images.length; from += 256) {
            int m = Math.min(256, images.length - from);
            float[] x = new float[m * per];
            for (int i = 0; i < m; i++) {
                if (images[from + i].length != per) {
                    throw new IllegalArgumentException("image has " + images[from + i].length + " values, the judge expects "
                            + per + " (" + channels + "x" + size + "x" + size + ")");
                }
                System.arraycopy(images[from + i], 0, x, i * per, per);
            }
            try (NDManager sub = model.getNDManager().newSubManager()) {
                ParameterStore store = new ParameterStore(sub, false);
                NDList activations = new NDList(sub.create(x, new Shape(m, channels, size, size)));
                for (int layer = 0; layer < depth; layer++) {
                    activations = layers.get(layer).forward(store, activations, false);
                }
                sink.accept(from, activations.singletonOrThrow());
            }
        }
    }

    /** Accuracy per class on labelled images whose class names the judge knows. */
    public Map<String, Double> accuracyPerClass(ImageDataset data) {
        float[][] images = new float[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            images[i] = data.pixels(i);
        }
        int[] predicted = classify(images);
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            String truth = data.classes().get(data.label(i));
            int[] cnt = counts.computeIfAbsent(truth, k -> new int[2]);
            cnt[1]++;
            if (classes.get(predicted[i]).equals(truth)) {
                cnt[0]++;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> out.put(k, (double) v[0] / v[1]));
        return out;
    }

    /** The share of {@code images} the judge assigns to {@code intended}. */
    public double fidelity(float[][] images, String intended) {
        int target = classes.indexOf(intended);
        if (target < 0) {
            throw new IllegalArgumentException("the judge does not know '" + intended + "'; it knows " + classes);
        }
        int hits = 0;
        for (int p : classify(images)) {
            hits += p == target ? 1 : 0;
        }
        return (double) hits / images.length;
    }

    public void save(Path dir, ObjectNode provenance) throws IOException {
        Files.createDirectories(dir);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve("judge.params"))))) {
            model.getBlock().saveParameters(out);
        }
        ObjectNode info = ModelFiles.JSON.createObjectNode();
        info.set("classes", ModelFiles.JSON.valueToTree(classes));
        info.put("channels", channels);
        info.put("imageSize", size);
        info.setAll(provenance);
        Files.writeString(dir.resolve("judge.json"), ModelFiles.JSON.writeValueAsString(info) + "\n");
    }

    public static FidelityJudge load(Path dir) {
        JsonNode info = ModelFiles.readJson(dir.resolve("judge.json"));
        List<String> classes = new ArrayList<>();
        info.path("classes").forEach(n -> classes.add(n.asText()));
        int channels = info.path("channels").asInt();
        int size = info.path("imageSize").asInt();
        Model model = Model.newInstance("stemma-judge", Device.cpu(), "PyTorch");
        SequentialBlock net = network(classes.size());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, channels, size, size));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve("judge.params"))))) {
            net.loadParameters(model.getNDManager(), in);
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new IllegalArgumentException("judge " + dir.resolve("judge.params") + " cannot be read: " + e.getMessage());
        }
        return new FidelityJudge(model, classes, channels, size);
    }

    @Override
    public void close() {
        model.close();
    }
}
