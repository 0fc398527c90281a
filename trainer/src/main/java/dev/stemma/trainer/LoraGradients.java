package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.Scalars;
import dev.stemma.trainer.model.UNet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Per-example gradients of the training loss with respect to the LoRA factors of a
 * {@link StemmaModel}, at the adapter state the model holds now (set it with
 * {@link StemmaModel#setAdapterTensors}): what TracIn and the weight-subspace attribution compare.
 *
 * <p>The loss is the one {@code DiffusionLoop} trains on, for one clean image {@code x0}: at each
 * timestep t with its noise map eps, x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps and
 * L_t = mean over pixels of (eps_theta(x_t, t, w) - eps)^2 under conditioning weights w. Given several
 * timesteps the gradient is that of the sum over t of L_t, computed in one forward and backward over a
 * batch of the timesteps: each batch row has its own loss and nothing couples rows (GroupNorm and
 * attention are per image), so the gradient of the sum is exactly the sum of the per-timestep
 * gradients. Different images can not share a backward that way: a per-example gradient needs one
 * backward per image.
 *
 * <p><b>Concept tokens are left out</b>; the gradient covers the LoRA factors only
 * ({@link #parameterNames()}, in the model's declaration order, which is also the order of a run
 * manifest's factor shapes). Under the null token a concept token gets no gradient at all, so it would
 * add only zeros; under an image's own token the token gradient sits in a block of coordinates that
 * only that concept's images touch, which reads the prompt back rather than the content
 * (RESEARCH.md: own-token replays attribute a blank image to its token half of the time). The
 * recorded LoRA updates that the weight-subspace method projects on have the same columns, so both
 * sides describe the shared adapter, not token identity.
 *
 * <p>Every result is finite: a non-finite gradient is recomputed once from scratch (RESEARCH.md saw
 * intermittent NaN gradients in a prototype that reloaded parameters in place), and a second
 * non-finite result fails naming the first parameter at fault. Gradients are overwritten with zeros in
 * place before every backward; the parameters' storage is never rebound (see
 * {@link StemmaModel#setAdapterTensors}).
 *
 * <p>Making an instance freezes the model's base weights and concept tokens (no gradient buffers,
 * a faster backward); the model must not be trained afterwards. DJL's PyTorch engine allows one
 * gradient collector at a time per JVM, so gradients are computed one at a time, whatever the thread.
 */
public final class LoraGradients {
    /** DJL 0.35's {@code PtGradientCollector} refuses a second collector anywhere in the JVM. */
    private static final Object COLLECTING = new Object();

    private final UNet unet;
    private final List<String> names;
    private final List<Parameter> parameters;
    private final int[] sizes;
    private final int count;

    private LoraGradients(StemmaModel model) {
        this.unet = model.unet();
        List<String> n = new ArrayList<>();
        List<Parameter> p = new ArrayList<>();
        unet.parametersByName().forEach((name, parameter) -> {
            boolean lora = isLoraFactor(name);
            parameter.freeze(!lora);
            if (lora) {
                n.add(name);
                p.add(parameter);
            }
        });
        if (n.isEmpty()) {
            throw new IllegalArgumentException("the model has no LoRA adapters: open it with an adapter to take adapter gradients");
        }
        this.names = Collections.unmodifiableList(n);
        this.parameters = List.copyOf(p);
        this.sizes = new int[p.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Math.toIntExact(p.get(i).getShape().size());
            total += sizes[i];
        }
        this.count = Math.toIntExact(total);
    }

    /** Gradients of {@code model}'s LoRA factors; freezes its base weights and concept tokens. */
    public static LoraGradients of(StemmaModel model) {
        return new LoraGradients(Objects.requireNonNull(model, "model"));
    }

    /** Whether {@code name} is a LoRA factor ({@code .../lora_a}, {@code .../lora_b}), not a base weight or token. */
    public static boolean isLoraFactor(String name) {
        return name.contains("/lora_");
    }

    /** The LoRA factors a gradient covers, in the order it lays them out. */
    public List<String> parameterNames() {
        return names;
    }

    /** Element count of each factor, in {@link #parameterNames()} order. */
    public int[] parameterSizes() {
        return sizes.clone();
    }

    /** Length of a gradient: the sum of {@link #parameterSizes()}. */
    public int parameterCount() {
        return count;
    }

    /** The gradient at one timestep; see {@link #gradient(float[], float[], int[], float[][], float[])}. */
    public float[] gradient(float[] image, float[] condition, int timestep, float[] noise) {
        return gradient(image, condition, new int[] {timestep}, new float[][] {noise}, null);
    }

    /**
     * The gradient of sum over k of L_{timesteps[k]}(image, noise[k]) with respect to the LoRA factors,
     * laid out as {@link #parameterNames()}.
     *
     * @param image     the clean image, C*H*W floats in [-1, 1]
     * @param condition conditioning weights ({@link StemmaModel#condition}, {@link StemmaModel#nullCondition})
     * @param timesteps diffusion timesteps, each in 0..{@value NoiseSchedule#STEPS} - 1
     * @param noise     one noise map of C*H*W floats per timestep
     * @param out       where to write it ({@link #parameterCount()} floats), or null for a new array
     * @return {@code out}, or the new array
     * @throws IllegalStateException if the gradient is not finite twice in a row
     */
    public float[] gradient(float[] image, float[] condition, int[] timesteps, float[][] noise, float[] out) {
        int per = checkInputs(image, condition, timesteps, noise);
        float[] result = out == null ? new float[count] : out;
        if (result.length != count) {
            throw new IllegalArgumentException("gradient buffer has " + result.length + " floats, the LoRA factors " + count);
        }
        synchronized (COLLECTING) {
            String fault = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                fault = compute(image, condition, timesteps, noise, per, result);
                if (fault == null) {
                    return result;
                }
            }
            throw new IllegalStateException("the LoRA gradient is not finite twice in a row (first in " + fault + ") at timesteps "
                    + java.util.Arrays.toString(timesteps) + "; the adapter state or the image holds NaN or overflows");
        }
    }

    /** The loss sum over k of L_{timesteps[k]} at the model's current state (no gradient): for tests. */
    float loss(float[] image, float[] condition, int[] timesteps, float[][] noise) {
        int per = checkInputs(image, condition, timesteps, noise);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray[] in = inputs(m, image, condition, timesteps, noise, per);
            NDArray pred = unet.forward(new ParameterStore(m, false), new NDList(in[0], in[1], in[2]), false, null, null)
                    .singletonOrThrow();
            NDArray sum = pred.sub(in[3]).square().sum();
            return sum.div(Scalars.of(sum, per)).getFloat();
        }
    }

    /** One forward and backward into {@code out}; returns null, or the first factor whose gradient is not finite. */
    private String compute(float[] image, float[] condition, int[] timesteps, float[][] noise, int per, float[] out) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            zeroGradients(m);
            NDArray[] in = inputs(m, image, condition, timesteps, noise, per);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray pred = unet.forward(new ParameterStore(m, false), new NDList(in[0], in[1], in[2]), true, null, null)
                        .singletonOrThrow();
                NDArray sum = pred.sub(in[3]).square().sum();
                collector.backward(sum.div(Scalars.of(sum, per))); // not div(per): see Scalars
            }
            int offset = 0;
            String fault = null;
            for (int i = 0; i < parameters.size(); i++) {
                NDArray g = parameters.get(i).getArray().getGradient();
                g.attach(m); // the handle joins this manager and is freed with it, not with the model
                float[] values = g.toFloatArray();
                for (float v : values) {
                    if (!Float.isFinite(v) && fault == null) {
                        fault = names.get(i);
                    }
                }
                System.arraycopy(values, 0, out, offset, values.length);
                offset += values.length;
            }
            return fault;
        }
    }

    /**
     * Overwrites every LoRA gradient with zeros in place: PyTorch adds into {@code .grad}, a NaN times
     * zero stays NaN, and {@code set(Buffer)} would rebind the gradient to a buffer that dies with
     * this temporary handle (the harness fault DiffusionLoop's zeroing also avoids).
     */
    private void zeroGradients(NDManager m) {
        for (Parameter p : parameters) {
            NDArray g = p.getArray().getGradient();
            g.attach(m);
            g.set(new NDIndex("..."), 0f);
        }
    }

    /** x_t, t, w and eps as arrays of {@code m}, one batch row per timestep. */
    private NDArray[] inputs(NDManager m, float[] image, float[] condition, int[] timesteps, float[][] noise, int per) {
        int k = timesteps.length;
        float[] xt = new float[k * per];
        float[] eps = new float[k * per];
        float[] ts = new float[k];
        float[] w = new float[k * condition.length];
        for (int i = 0; i < k; i++) {
            NoiseSchedule.noisy(image, noise[i], timesteps[i], xt, i * per);
            System.arraycopy(noise[i], 0, eps, i * per, per);
            ts[i] = timesteps[i];
            System.arraycopy(condition, 0, w, i * condition.length, condition.length);
        }
        int c = unet.config().imageChannels();
        int s = unet.config().imageSize();
        Shape shape = new Shape(k, c, s, s);
        return new NDArray[] {m.create(xt, shape), m.create(ts), m.create(w, new Shape(k, condition.length)), m.create(eps, shape)};
    }

    private int checkInputs(float[] image, float[] condition, int[] timesteps, float[][] noise) {
        int c = unet.config().imageChannels();
        int s = unet.config().imageSize();
        int per = c * s * s;
        if (image.length != per) {
            throw new IllegalArgumentException("image has " + image.length + " floats; the model takes " + c + "x" + s + "x" + s + " = " + per);
        }
        if (condition.length != unet.conditionRows()) {
            throw new IllegalArgumentException("conditioning has " + condition.length + " weights; the model has " + unet.conditionRows()
                    + " rows (null token, base classes, concepts)");
        }
        if (timesteps.length == 0 || timesteps.length != noise.length) {
            throw new IllegalArgumentException("need one noise map per timestep and at least one timestep, got " + timesteps.length
                    + " timesteps and " + noise.length + " noise maps");
        }
        for (int i = 0; i < timesteps.length; i++) {
            NoiseSchedule.alphaBar(timesteps[i]); // validates the range
            if (noise[i].length != per) {
                throw new IllegalArgumentException("noise map " + i + " has " + noise[i].length + " floats, the image " + per);
            }
        }
        return per;
    }
}
