package dev.stemma.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stemma.agent.MonitoredModel;
import dev.stemma.protocol.BatchItem;
import dev.stemma.trainer.model.DdimSampler;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.UNet;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Stemma's U-Net as the agent sees it: {@link MonitoredModel} over a customisation in progress. */
final class MonitoredUNet implements MonitoredModel {
    private final UNet unet;
    private final List<ProbeImage> trainingImages;
    private final Supplier<DiffusionLoop> loop;

    /** {@code loop} gives the running loop, or null before it exists. */
    MonitoredUNet(UNet unet, List<ProbeImage> trainingImages, Supplier<DiffusionLoop> loop) {
        this.unet = unet;
        this.trainingImages = List.copyOf(trainingImages);
        this.loop = loop;
    }

    @Override
    public Map<String, NDArray> adapterTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        unet.parametersByName().forEach((name, p) -> {
            if (UNet.isAdapterParameter(name)) {
                out.put(name, p.getArray());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    @Override
    public List<BatchItem> currentBatch() {
        DiffusionLoop l = loop.get();
        return l == null ? List.of() : l.currentBatch();
    }

    @Override
    public float currentLoss() {
        DiffusionLoop l = loop.get();
        return l == null ? Float.NaN : l.currentLoss();
    }

    @Override
    public float currentLearningRate() {
        DiffusionLoop l = loop.get();
        return l == null ? 0f : l.currentLearningRate();
    }

    @Override
    public long currentStep() {
        DiffusionLoop l = loop.get();
        return l == null ? -1 : l.currentStep();
    }

    @Override
    public List<String> tappableLayers() {
        return unet.tappableLayers();
    }

    /**
     * The bottleneck alone: the probe forward then stops halfway through the U-Net. Measured with
     * {@code stemma bench agent} (README, "Agent figures"): one forward of 72 probes to {@code mid}
     * costs about 30% of a training step, to {@code down1} about 17-24%; tapping every layer runs the
     * whole network and cost 4 to 9 times the bottleneck alone.
     */
    @Override
    public List<String> defaultProbeLayers() {
        return List.of("mid");
    }

    @Override
    public List<String> concepts() {
        return unet.concepts();
    }

    @Override
    public List<ProbeImage> trainingImages() {
        return trainingImages;
    }

    @Override
    public NDArray generate(NDManager manager, String concept, long seed, int count) {
        float[][] cond = new float[count][unet.conditionRows()];
        int row = unet.conditionRow(concept);
        for (float[] c : cond) {
            c[row] = 1f;
        }
        return DdimSampler.sample(unet, manager, cond, seed, DdimSampler.DEFAULT_STEPS, DdimSampler.DEFAULT_GUIDANCE);
    }

    @Override
    public Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int timestep, NDArray noise,
                                             List<String> concepts, Set<String> layers) {
        return probeForward(manager, cleanImages, everyImageAt(cleanImages, timestep), noise, concepts, layers);
    }

    /** One forward for all the images, each at its own timestep: the U-Net takes a timestep per image. */
    @Override
    public Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int[] timesteps, NDArray noise,
                                             List<String> concepts, Set<String> layers) {
        int n = (int) cleanImages.getShape().get(0);
        if (concepts.size() != n || timesteps.length != n) {
            throw new IllegalArgumentException(concepts.size() + " concepts and " + timesteps.length + " timesteps for "
                    + n + " images");
        }
        int rows = unet.conditionRows();
        float[] w = new float[n * rows];
        for (int i = 0; i < n; i++) {
            String c = concepts.get(i);
            w[i * rows + (c == null ? 0 : unet.conditionRow(c))] = 1f;
        }
        return probeForward(unet, manager, cleanImages, timesteps, noise, w, layers);
    }

    /**
     * The probe forward under arbitrary conditioning weights ({@code n x conditionRows}, row-major;
     * row 0 is the null token): the images noised to {@code timestep} with {@code noise}, the
     * requested layers' activations attached to {@code manager}.
     */
    static Map<String, NDArray> probeForward(UNet unet, NDManager manager, NDArray cleanImages, int timestep, NDArray noise,
                                             float[] conditionWeights, Set<String> layers) {
        return probeForward(unet, manager, cleanImages, everyImageAt(cleanImages, timestep), noise, conditionWeights,
                layers);
    }

    private static int[] everyImageAt(NDArray images, int timestep) {
        int[] timesteps = new int[(int) images.getShape().get(0)];
        Arrays.fill(timesteps, timestep);
        return timesteps;
    }

    /** As above, each image noised to its own timestep. */
    static Map<String, NDArray> probeForward(UNet unet, NDManager manager, NDArray cleanImages, int[] timesteps,
                                             NDArray noise, float[] conditionWeights, Set<String> layers) {
        Shape shape = cleanImages.getShape();
        if (!shape.equals(noise.getShape())) {
            throw new IllegalArgumentException("noise " + noise.getShape() + " differs from images " + shape);
        }
        int n = (int) shape.get(0);
        int rows = unet.conditionRows();
        if (timesteps.length != n) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for " + n + " images");
        }
        if (conditionWeights.length != n * rows) {
            throw new IllegalArgumentException(conditionWeights.length + " conditioning weights for " + n + " images of "
                    + rows + " rows");
        }
        if (layers.isEmpty()) {
            return Map.of();
        }
        float[] x0 = cleanImages.toFloatArray();
        float[] eps = noise.toFloatArray();
        float[] xt = new float[x0.length];
        float[] ts = new float[n];
        int per = x0.length / n;
        for (int k = 0; k < n; k++) {
            double ab = NoiseSchedule.alphaBar(timesteps[k]);
            float a = (float) Math.sqrt(ab);
            float b = (float) Math.sqrt(1 - ab);
            for (int i = k * per; i < (k + 1) * per; i++) {
                xt[i] = a * x0[i] + b * eps[i];
            }
            ts[k] = timesteps[k];
        }
        Map<String, NDArray> out = new HashMap<>();
        try (NDManager sub = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            NDList in = new NDList(sub.create(xt, shape), sub.create(ts), sub.create(conditionWeights, new Shape(n, rows)));
            Map<String, NDArray> taps = new HashMap<>();
            unet.forward(ps, in, false, layers, taps);
            taps.forEach((k, v) -> {
                v.attach(manager);
                out.put(k, v);
            });
        }
        return out;
    }
}
