package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stemma.trainer.model.DdimSampler;
import dev.stemma.trainer.model.InPlace;
import dev.stemma.trainer.model.LoraSpec;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A base, optionally with an adapter, loaded for sampling: what {@code stemma sample}, the benchmark
 * and replay use. Conditioning is by name (a base class or a concept) or by a mix of names.
 */
public final class StemmaModel implements AutoCloseable {
    private final Model model;
    private final UNet unet;

    private StemmaModel(Model model, UNet unet) {
        this.model = model;
        this.unet = unet;
    }

    /** Loads the base in {@code baseDir} and, unless null, the adapter file trained on it. */
    public static StemmaModel open(Path baseDir, Path adapterFile) {
        ModelFiles.AdapterInfo info = adapterFile == null ? null : ModelFiles.readAdapterInfo(adapterFile);
        if (info != null && !info.baseSha256().equals(ModelFiles.baseSha256(baseDir))) {
            throw new IllegalArgumentException("adapter " + adapterFile + " was trained on base " + info.baseSha256()
                    + ", not on " + baseDir + " (" + ModelFiles.baseSha256(baseDir) + ")");
        }
        return load(baseDir, info == null ? null : info.lora(), info == null ? List.of() : info.concepts(), adapterFile);
    }

    /**
     * Loads the base in {@code baseDir} with untrained adapters of {@code lora} and one token per
     * concept: the shape a recorded run's factors fit, for replay through {@link #setAdapterTensors}.
     */
    public static StemmaModel openForReplay(Path baseDir, LoraSpec lora, List<String> concepts) {
        return load(baseDir, java.util.Objects.requireNonNull(lora, "lora"), concepts, null);
    }

    private static StemmaModel load(Path baseDir, LoraSpec lora, List<String> concepts, Path adapterFile) {
        UNetConfig config = ModelFiles.readBaseConfig(baseDir);
        UNet unet = lora == null ? new UNet(config) : new UNet(config, lora, concepts);
        Model model = Model.newInstance("stemma", Device.cpu(), "PyTorch");
        try {
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            ModelFiles.loadBase(baseDir, unet);
            if (adapterFile != null) {
                ModelFiles.loadAdapter(adapterFile, unet);
            }
            return new StemmaModel(model, unet);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public List<String> baseClasses() {
        return unet.config().classes();
    }

    public List<String> concepts() {
        return unet.concepts();
    }

    public UNetConfig config() {
        return unet.config();
    }

    /** The conditioning weights of one name. */
    public float[] condition(String name) {
        return mix(Map.of(name, 1f));
    }

    /** The conditioning weights of a mix of names (weights as given: {@code Shirt=0.5,Bag=0.5}). */
    public float[] mix(Map<String, Float> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("the mix names no class or concept");
        }
        float[] w = new float[unet.conditionRows()];
        weights.forEach((name, v) -> {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("mix weight of '" + name + "' is " + v);
            }
            w[unet.conditionRow(name)] += v;
        });
        return w;
    }

    /** The conditioning weights of the null token alone: content only, no class or concept. */
    public float[] nullCondition() {
        float[] w = new float[unet.conditionRows()];
        w[0] = 1f;
        return w;
    }

    /** DDIM samples, one per conditioning row, as CHW float arrays in [-1, 1]. */
    public float[][] sample(float[][] condition, long seed, int steps, float guidance) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray images = DdimSampler.sample(unet, m, condition, seed, steps, guidance);
            float[] all = images.toFloatArray();
            int per = all.length / condition.length;
            float[][] out = new float[condition.length][];
            for (int i = 0; i < out.length; i++) {
                out[i] = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
            }
            return out;
        }
    }

    /**
     * Replaces the adapter tensors (LoRA factors and concept tokens) by {@code tensors}, by name:
     * replay of a recorded step, base + factors(t). Every adapter tensor of the model must be given,
     * with its shape's element count.
     *
     * <p>Values are copied into the parameters' existing storage in place ({@link InPlace}).
     */
    public void setAdapterTensors(Map<String, float[]> tensors) {
        unet.parametersByName().forEach((name, p) -> {
            if (!UNet.isAdapterParameter(name)) {
                return;
            }
            float[] v = tensors.get(name);
            if (v == null) {
                throw new IllegalArgumentException("replay lacks adapter tensor " + name);
            }
            if (v.length != p.getShape().size()) {
                throw new IllegalArgumentException("adapter tensor " + name + " has " + v.length + " values, the model's has "
                        + p.getShape().size());
            }
            InPlace.copy(p.getArray(), v);
        });
    }

    /**
     * The denoiser's noise prediction for one image {@code x} (CHW, in [-1, 1]) at diffusion
     * timestep {@code timestep} under conditioning weights {@code condition} (see {@link #mix}).
     */
    public float[] predictNoise(float[] x, int timestep, float[] condition) {
        return predictNoise(new float[][] {x}, new int[] {timestep}, new float[][] {condition})[0];
    }

    /**
     * The noise predictions for a batch: row i is image {@code xs[i]} (CHW, in [-1, 1]) at
     * timestep {@code timesteps[i]} under conditioning weights {@code conditions[i]}; one forward.
     */
    public float[][] predictNoise(float[][] xs, int[] timesteps, float[][] conditions) {
        int n = xs.length;
        if (timesteps.length != n || conditions.length != n) {
            throw new IllegalArgumentException(n + " images, " + timesteps.length + " timesteps and " + conditions.length
                    + " conditions: one of each per row");
        }
        int c = unet.config().imageChannels();
        int size = unet.config().imageSize();
        int pixels = c * size * size;
        int rows = unet.conditionRows();
        float[] x = new float[n * pixels];
        float[] t = new float[n];
        float[] w = new float[n * rows];
        for (int i = 0; i < n; i++) {
            System.arraycopy(xs[i], 0, x, i * pixels, pixels);
            t[i] = timesteps[i];
            System.arraycopy(conditions[i], 0, w, i * rows, rows);
        }
        try (NDManager m = model.getNDManager().newSubManager()) {
            ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(m, false);
            ai.djl.ndarray.NDList in = new ai.djl.ndarray.NDList(m.create(x, new ai.djl.ndarray.types.Shape(n, c, size, size)),
                    m.create(t), m.create(w, new ai.djl.ndarray.types.Shape(n, rows)));
            float[] out = unet.forward(ps, in, false, null, null).singletonOrThrow().toFloatArray();
            float[][] result = new float[n][];
            for (int i = 0; i < n; i++) {
                result[i] = java.util.Arrays.copyOfRange(out, i * pixels, (i + 1) * pixels);
            }
            return result;
        }
    }

    /**
     * The probe forward the agent runs during training ({@link dev.stemma.agent.MonitoredModel#probeForward}),
     * on this model as it is now (replay of a recorded step after {@link #setAdapterTensors}), under
     * conditioning weights: one row per image (see {@link #condition}, {@link #mix}, {@link #nullCondition}).
     * The returned activations belong to {@code manager}.
     */
    public Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int timestep, NDArray noise,
                                             float[][] conditions, java.util.Set<String> layers) {
        int rows = unet.conditionRows();
        float[] w = new float[conditions.length * rows];
        for (int i = 0; i < conditions.length; i++) {
            if (conditions[i].length != rows) {
                throw new IllegalArgumentException("conditioning of image " + i + " has " + conditions[i].length
                        + " weights, the model " + rows);
            }
            System.arraycopy(conditions[i], 0, w, i * rows, rows);
        }
        return MonitoredUNet.probeForward(unet, manager, cleanImages, timestep, noise, w, layers);
    }

    /** A manager for the arrays of a replay; close it when done. */
    public NDManager newManager() {
        return model.getNDManager().newSubManager();
    }

    UNet unet() {
        return unet;
    }

    @Override
    public void close() {
        model.close();
    }
}
