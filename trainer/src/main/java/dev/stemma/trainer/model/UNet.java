package dev.stemma.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The class-conditional U-Net denoiser. Input {@code (x_t (N,C,H,W), t (N) float, w (N, rows))} where
 * {@code w} weighs the conditioning tokens: row 0 is the null token (classifier-free guidance), rows
 * 1..K the base classes, then one learned token per concept (customisation only). Output: the
 * predicted noise, shape of x_t.
 *
 * <p>Layout for channels c0..c(L-1): conv in; per level i < L-1 a residual block and a stride-2 conv;
 * at the lowest level a residual block, self-attention, a residual block ("mid"); back up, per level a
 * nearest upsample + conv, concatenation with the skip and a residual block; GroupNorm, SiLU, conv out.
 * With a {@link LoraSpec} every residual-block convolution, embedding projection and attention
 * projection gets a LoRA branch (A random, B zero, so a fresh adapter changes nothing).
 *
 * <p>Parameter names are stable ({@code down0.res.conv1.weight}, {@code down0.res.conv1/lora_a},
 * {@code tokens/Shirt}); base names do not depend on whether adapters exist, so a base file loads
 * into an adapted model. Tappable layers (outputs of each stage) are {@code down0..}, {@code mid},
 * {@code ..up0}; {@link #forward(ParameterStore, NDList, boolean, Set, Map)} records them only when
 * asked and stops after the deepest one asked for.
 */
public final class UNet extends AbstractBlock {
    private static final byte VERSION = 1;

    private final UNetConfig config;
    private final LoraSpec lora;
    private final List<String> concepts;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final List<String> tappable = new ArrayList<>();

    private final Layers.Conv convIn;
    private final Layers.Lin time1;
    private final Layers.Lin time2;
    private final Parameter classTable;
    private final List<Parameter> tokens = new ArrayList<>();
    private final List<Layers.Res> downRes = new ArrayList<>();
    private final List<Layers.Conv> downSample = new ArrayList<>();
    private final Layers.Res mid1;
    private final Layers.Attention attention;
    private final Layers.Res mid2;
    private final List<Layers.Conv> upSample = new ArrayList<>();
    private final List<Layers.Res> upRes = new ArrayList<>();
    private final Layers.GroupNorm outNorm;
    private final Layers.Conv convOut;

    /** A base model (no adapters). */
    public UNet(UNetConfig config) {
        this(config, null, List.of());
    }

    /** A model with LoRA adapters ({@code lora} may be null for none) and one token per concept. */
    public UNet(UNetConfig config, LoraSpec lora, List<String> concepts) {
        super(VERSION);
        this.config = config;
        this.lora = lora;
        this.concepts = List.copyOf(concepts);
        for (String c : this.concepts) {
            if (config.classes().contains(c)) {
                throw new IllegalArgumentException("concept '" + c + "' is already a base class of the model");
            }
        }
        if (this.concepts.stream().distinct().count() != this.concepts.size()) {
            throw new IllegalArgumentException("concepts repeat: " + this.concepts);
        }
        List<Integer> ch = config.channels();
        int levels = ch.size();
        int e = config.embedDim();
        convIn = conv("conv_in", config.imageChannels(), ch.get(0), 3, 1, false);
        time1 = lin("time.lin1", ch.get(0), e, false);
        time2 = lin("time.lin2", e, e, false);
        classTable = param("cond.classes", new Shape(config.classRows(), e));
        for (String c : this.concepts) {
            tokens.add(param("tokens/" + c, new Shape(1, e)));
        }
        int cur = ch.get(0);
        for (int i = 0; i < levels - 1; i++) {
            downRes.add(res("down" + i + ".res", cur, ch.get(i)));
            cur = ch.get(i);
            downSample.add(conv("down" + i + ".sample", cur, cur, 3, 2, false));
            tappable.add("down" + i);
        }
        int low = ch.get(levels - 1);
        mid1 = res("mid.res1", cur, low);
        attention = new Layers.Attention(norm("mid.attn.norm", low), lin("mid.attn.q", low, low, true),
                lin("mid.attn.k", low, low, true), lin("mid.attn.v", low, low, true), lin("mid.attn.out", low, low, true));
        mid2 = res("mid.res2", low, low);
        tappable.add("mid");
        cur = low;
        for (int i = levels - 2; i >= 0; i--) {
            upSample.add(conv("up" + i + ".sample", cur, cur, 3, 1, false));
            upRes.add(res("up" + i + ".res", cur + ch.get(i), ch.get(i)));
            cur = ch.get(i);
            tappable.add("up" + i);
        }
        outNorm = norm("out.norm", cur);
        convOut = conv("conv_out", cur, config.imageChannels(), 3, 1, false);
    }

    public UNetConfig config() {
        return config;
    }

    /** The adapters' spec, or null for a base model. */
    public LoraSpec lora() {
        return lora;
    }

    public List<String> concepts() {
        return concepts;
    }

    /** Rows of the conditioning weights: null token, base classes, concepts. */
    public int conditionRows() {
        return config.classRows() + concepts.size();
    }

    /** The row of {@code name} in the conditioning weights: a base class or a concept. */
    public int conditionRow(String name) {
        int c = config.classes().indexOf(name);
        if (c >= 0) {
            return c + 1;
        }
        int k = concepts.indexOf(name);
        if (k >= 0) {
            return config.classRows() + k;
        }
        throw new IllegalArgumentException("'" + name + "' is neither a base class (" + String.join(", ", config.classes())
                + ") nor a concept (" + String.join(", ", concepts) + ") of this model");
    }

    /** Layers whose activations can be recorded, shallowest first. */
    public List<String> tappableLayers() {
        return Collections.unmodifiableList(tappable);
    }

    /** Every parameter by its stable name, in declaration order. */
    public Map<String, Parameter> parametersByName() {
        return Collections.unmodifiableMap(byName);
    }

    /** Whether {@code name} is an adapter parameter (LoRA factor or concept token) rather than base. */
    public static boolean isAdapterParameter(String name) {
        return name.contains("/lora_") || name.startsWith("tokens/");
    }

    /**
     * Initialises every parameter's array (zeros) in {@code manager}; call {@link #randomise} next.
     * The first call in a JVM also checks that the engine's convolution gradients are sound
     * ({@link ConvolutionCheck}) and throws an IllegalStateException naming the fix if not.
     */
    public void allocate(NDManager manager) {
        ConvolutionCheck.require();
        initialize(manager, DataType.FLOAT32, new Shape(1, config.imageChannels(), config.imageSize(), config.imageSize()),
                new Shape(1), new Shape(1, conditionRows()));
    }

    /**
     * Draws the parameters that {@code which} selects from a generator seeded with {@code seed}, in
     * declaration order: weights uniform in +-1/sqrt(fan in) (PyTorch's default), LoRA B zero, biases
     * zero, GroupNorm scale one, class table and concept tokens standard normal (a pilot that started
     * every token at the mean class row left the concepts indistinct: symmetric start, weak signal).
     */
    public void randomise(long seed, Predicate<String> which) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, Parameter> entry : byName.entrySet()) {
            String name = entry.getKey();
            if (!which.test(name)) {
                continue;
            }
            Parameter p = entry.getValue();
            Shape s = p.getShape();
            float[] v = new float[(int) s.size()];
            if (name.endsWith("/lora_b") || name.endsWith(".bias") || name.endsWith(".beta")) {
                // zeros
            } else if (name.endsWith(".gamma")) {
                java.util.Arrays.fill(v, 1f);
            } else if (name.equals("cond.classes") || name.startsWith("tokens/")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) gaussian(random);
                }
            } else {
                double bound = 1.0 / Math.sqrt(s.size() / s.get(0));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            InPlace.copy(p.getArray(), v);
        }
    }

    static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forward(ps, inputs, training, null, null);
    }

    /**
     * The forward pass. When {@code taps} is non-empty the named stage outputs go into {@code out} and
     * the pass stops after the deepest of them (then the result is an empty list).
     */
    public NDList forward(ParameterStore ps, NDList inputs, boolean training, Set<String> taps, Map<String, NDArray> out) {
        NDArray x = inputs.get(0);
        NDArray t = inputs.get(1);
        NDArray w = inputs.get(2);
        int remaining = 0;
        if (taps != null) {
            for (String tap : taps) {
                if (!tappable.contains(tap)) {
                    throw new IllegalArgumentException("layer '" + tap + "' is not tappable; tappable: " + tappable);
                }
            }
            remaining = taps.size();
        }
        NDArray emb = time2.apply(ps, Layers.silu(time1.apply(ps, timeEmbedding(t), training)), training);
        emb = emb.add(condition(ps, w, training));
        NDArray siluEmb = Layers.silu(emb);

        NDArray h = convIn.apply(ps, x, training);
        List<NDArray> skips = new ArrayList<>();
        for (int i = 0; i < downRes.size(); i++) {
            h = downRes.get(i).apply(ps, h, siluEmb, training);
            skips.add(h);
            if (taps != null && taps.contains("down" + i)) {
                out.put("down" + i, h);
                if (--remaining == 0) {
                    return new NDList();
                }
            }
            h = downSample.get(i).apply(ps, h, training);
        }
        h = mid1.apply(ps, h, siluEmb, training);
        h = attention.apply(ps, h, training);
        h = mid2.apply(ps, h, siluEmb, training);
        if (taps != null && taps.contains("mid")) {
            out.put("mid", h);
            if (--remaining == 0) {
                return new NDList();
            }
        }
        for (int k = 0; k < upRes.size(); k++) {
            int level = downRes.size() - 1 - k;
            h = h.repeat(2, 2).repeat(3, 2);
            h = upSample.get(k).apply(ps, h, training);
            h = upRes.get(k).apply(ps, h.concat(skips.get(level), 1), siluEmb, training);
            if (taps != null && taps.contains("up" + level)) {
                out.put("up" + level, h);
                if (--remaining == 0) {
                    return new NDList();
                }
            }
        }
        h = convOut.apply(ps, Layers.silu(outNorm.apply(ps, h, training)), training);
        return new NDList(h);
    }

    private NDArray timeEmbedding(NDArray t) {
        int dim = config.channels().get(0);
        int half = dim / 2;
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
        }
        NDManager m = t.getManager();
        NDArray args = t.reshape(-1, 1).mul(m.create(freqs).reshape(1, half));
        return args.sin().concat(args.cos(), 1);
    }

    private NDArray condition(ParameterStore ps, NDArray w, boolean training) {
        Device d = w.getDevice();
        int rows = config.classRows();
        NDArray c = w.get(new NDIndex(":, 0:" + rows)).matMul(ps.getValue(classTable, d, training));
        for (int j = 0; j < tokens.size(); j++) {
            NDArray wj = w.get(new NDIndex(":, " + (rows + j) + ":" + (rows + j + 1)));
            c = c.add(wj.mul(ps.getValue(tokens.get(j), d, training)));
        }
        return c;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    private Parameter param(String name, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape)
                .optInitializer(Initializer.ZEROS).build();
        addParameter(p);
        byName.put(name, p);
        return p;
    }

    private Layers.Conv conv(String name, int in, int out, int kernel, int stride, boolean adapted) {
        Parameter w = param(name + ".weight", new Shape(out, in, kernel, kernel));
        Parameter b = param(name + ".bias", new Shape(out));
        if (adapted && lora != null) {
            Parameter a = param(name + "/lora_a", new Shape(lora.rank(), in, kernel, kernel));
            Parameter bb = param(name + "/lora_b", new Shape(out, lora.rank(), 1, 1));
            return new Layers.Conv(w, b, a, bb, lora.scale(), stride, kernel / 2);
        }
        return new Layers.Conv(w, b, null, null, 0f, stride, kernel / 2);
    }

    private Layers.Lin lin(String name, int in, int out, boolean adapted) {
        Parameter w = param(name + ".weight", new Shape(out, in));
        Parameter b = param(name + ".bias", new Shape(out));
        if (adapted && lora != null) {
            Parameter a = param(name + "/lora_a", new Shape(lora.rank(), in));
            Parameter bb = param(name + "/lora_b", new Shape(out, lora.rank()));
            return new Layers.Lin(w, b, a, bb, lora.scale());
        }
        return new Layers.Lin(w, b, null, null, 0f);
    }

    private Layers.GroupNorm norm(String name, int channels) {
        return new Layers.GroupNorm(param(name + ".gamma", new Shape(1, channels, 1, 1)),
                param(name + ".beta", new Shape(1, channels, 1, 1)), config.groups());
    }

    private Layers.Res res(String name, int in, int out) {
        return new Layers.Res(norm(name + ".norm1", in), conv(name + ".conv1", in, out, 3, 1, true),
                lin(name + ".emb", config.embedDim(), out, true), norm(name + ".norm2", out),
                conv(name + ".conv2", out, out, 3, 1, true), in == out ? null : conv(name + ".skip", in, out, 1, 1, false));
    }
}
