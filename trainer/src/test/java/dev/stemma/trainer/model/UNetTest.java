package dev.stemma.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UNetTest {
    static final List<String> CLASSES = List.of("a", "b", "c");

    @Test
    void shouldHaveAboutTheReferenceParameterCountAndKeepBaseNamesWhenAdapted() {
        UNet reference = new UNet(UNetConfig.reference(1, 28, CLASSES));
        long params = reference.parametersByName().values().stream().mapToLong(p -> p.getShape().size()).sum();
        assertTrue(params > 500_000 && params < 650_000, "reference has " + params + " parameters");
        UNet adapted = new UNet(UNetConfig.reference(1, 28, CLASSES), new LoraSpec(4, 4f), List.of("x"));
        for (String name : reference.parametersByName().keySet()) {
            assertEquals(reference.parametersByName().get(name).getShape(), adapted.parametersByName().get(name).getShape());
        }
        assertTrue(adapted.parametersByName().containsKey("mid.attn.q/lora_a"));
        assertTrue(adapted.parametersByName().containsKey("down0.res.conv1/lora_b"));
        assertTrue(adapted.parametersByName().containsKey("tokens/x"));
    }

    @Test
    void shouldPredictNoiseOfInputShapeFor28GrayAnd32Rgb() {
        for (UNetConfig cfg : List.of(UNetConfig.tiny(1, 28, CLASSES), UNetConfig.tiny(3, 32, CLASSES))) {
            try (Model model = Model.newInstance("t", Device.cpu(), "PyTorch")) {
                UNet unet = new UNet(cfg);
                model.setBlock(unet);
                unet.allocate(model.getNDManager());
                unet.randomise(1, n -> true);
                try (NDManager m = model.getNDManager().newSubManager()) {
                    NDArray out = forward(unet, m, 2, null, null);
                    assertEquals(new Shape(2, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize()), out.getShape());
                }
            }
        }
    }

    @Test
    void shouldLeaveTheBaseUnchangedWithFreshAdaptersAndStopAfterTheDeepestTap() {
        UNetConfig cfg = UNetConfig.tiny(1, 28, CLASSES);
        try (Model baseModel = Model.newInstance("b", Device.cpu(), "PyTorch");
             Model adaptedModel = Model.newInstance("a", Device.cpu(), "PyTorch")) {
            UNet base = new UNet(cfg);
            baseModel.setBlock(base);
            base.allocate(baseModel.getNDManager());
            base.randomise(5, n -> true);
            UNet adapted = new UNet(cfg, new LoraSpec(2, 2f), List.of("x"));
            adaptedModel.setBlock(adapted);
            adapted.allocate(adaptedModel.getNDManager());
            for (Map.Entry<String, Parameter> e : base.parametersByName().entrySet()) {
                InPlace.copy(adapted.parametersByName().get(e.getKey()).getArray(), e.getValue().getArray().toFloatArray());
            }
            adapted.randomise(9, UNet::isAdapterParameter);
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                float[] b = forward(base, m, 2, null, null).toFloatArray();
                float[] a = forward(adapted, m, 2, null, null).toFloatArray();
                assertArrayEquals(b, a, 1e-6f);

                Map<String, NDArray> taps = new HashMap<>();
                NDArray none = forward(adapted, m, 2, Set.of("down0"), taps);
                assertEquals(null, none);
                assertEquals(Set.of("down0"), taps.keySet());
                assertEquals(new Shape(2, 8, 28, 28), taps.get("down0").getShape());
                assertThrows(IllegalArgumentException.class, () -> forward(adapted, m, 1, Set.of("nope"), new HashMap<>()));
            }
        }
    }

    @Test
    void shouldPredictTheSameNoiseWithTheAdapterMergedOutsideTrainingAndLeaveNothingInTheModelsManager() {
        try (Model model = Model.newInstance("m", Device.cpu(), "PyTorch")) {
            UNet unet = randomAdaptedUNet(model);
            float[] b = NoiseSchedule.noise(11, 1 << 16);
            int used = 0;
            for (Map.Entry<String, Parameter> e : unet.parametersByName().entrySet()) {
                if (e.getKey().endsWith("/lora_b")) { // fresh B is zero: give the adapter an effect
                    int size = (int) e.getValue().getShape().size();
                    float[] v = new float[size];
                    for (int i = 0; i < size; i++) {
                        v[i] = 0.1f * b[(used + i) % b.length];
                    }
                    used += size;
                    InPlace.copy(e.getValue().getArray(), v);
                }
            }
            int managed = ((ai.djl.ndarray.BaseNDManager) model.getNDManager()).getManagedArrays().size();
            try (NDManager m = model.getNDManager().newSubManager()) {
                float[] branched = forward(unet, m, 3, null, null, true).toFloatArray();
                float[] merged = forward(unet, m, 3, null, null, false).toFloatArray();
                float maxAbs = 0;
                float maxDiff = 0;
                for (int i = 0; i < merged.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(branched[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(branched[i] - merged[i]));
                }
                assertTrue(maxAbs > 0.1f, "the outputs are degenerate: max |y| " + maxAbs);
                assertTrue(maxDiff <= 1e-5f * Math.max(1f, maxAbs), "merged and branched differ by " + maxDiff);
            }
            assertEquals(managed, ((ai.djl.ndarray.BaseNDManager) model.getNDManager()).getManagedArrays().size(),
                    "arrays left in the model's manager");
        }
    }

    @Test
    void shouldGiveTheSameGradientsWhenGarbageIsCollectedBetweenForwardAndBackward() throws InterruptedException {
        Map<String, float[]> quiet = gradients(false);
        Map<String, float[]> collected = gradients(true);
        for (Map.Entry<String, float[]> e : quiet.entrySet()) {
            for (float v : collected.get(e.getKey())) {
                assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
            }
            assertArrayEquals(e.getValue(), collected.get(e.getKey()), e.getKey());
        }
    }

    /** Every parameter's gradient of one training forward and backward, optionally with GCs in between. */
    private static Map<String, float[]> gradients(boolean collectGarbage) throws InterruptedException {
        try (Model model = Model.newInstance("g", Device.cpu(), "PyTorch")) {
            UNet unet = randomAdaptedUNet(model);
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray out;
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    out = forward(unet, m, 2, null, null, true);
                    if (collectGarbage) { // lets the JVM free direct buffers that DJL has closed
                        for (int i = 0; i < 3; i++) {
                            System.gc();
                            Thread.sleep(100);
                        }
                    }
                    gc.backward(out.square().mean());
                }
                Map<String, float[]> grads = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> e : unet.parametersByName().entrySet()) {
                    NDArray g = e.getValue().getArray().getGradient();
                    g.attach(m);
                    grads.put(e.getKey(), g.toFloatArray());
                }
                return grads;
            }
        }
    }

    /** A tiny 28x28 U-Net with rank-2 adapters and one concept, every parameter drawn (LoRA B still zero), as {@code model}'s block. */
    private static UNet randomAdaptedUNet(Model model) {
        UNet unet = new UNet(UNetConfig.tiny(1, 28, CLASSES), new LoraSpec(2, 4f), List.of("x"));
        model.setBlock(unet);
        unet.allocate(model.getNDManager());
        unet.randomise(5, n -> true);
        return unet;
    }

    private static NDArray forward(UNet unet, NDManager m, int n, Set<String> taps, Map<String, NDArray> out) {
        return forward(unet, m, n, taps, out, false);
    }

    private static NDArray forward(UNet unet, NDManager m, int n, Set<String> taps, Map<String, NDArray> out,
                                   boolean training) {
        UNetConfig cfg = unet.config();
        int per = cfg.imageChannels() * cfg.imageSize() * cfg.imageSize();
        float[] x = NoiseSchedule.noise(3, n * per);
        float[] w = new float[n * unet.conditionRows()];
        for (int i = 0; i < n; i++) {
            w[i * unet.conditionRows() + 1 + i % CLASSES.size()] = 1f;
        }
        NDList in = new NDList(m.create(x, new Shape(n, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize())),
                m.create(new float[n]).add(500), m.create(w, new Shape(n, unet.conditionRows())));
        NDList result = unet.forward(new ParameterStore(m, false), in, training, taps, out);
        return result.isEmpty() ? null : result.singletonOrThrow();
    }
}
