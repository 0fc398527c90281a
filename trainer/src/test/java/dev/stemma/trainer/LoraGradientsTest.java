package dev.stemma.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.trainer.model.InPlace;
import dev.stemma.trainer.model.LoraSpec;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-example LoRA gradients on a tiny random base with a random adapter (LoRA B non-zero, so every
 * factor has a gradient): the gradient is the loss's, batching timesteps sums them, nothing but the
 * gradient buffers changes, and reloading the adapter leaves no trace.
 */
class LoraGradientsTest {
    private static final int PIXELS = 28 * 28;

    @TempDir
    static Path dir;
    static StemmaModel model;
    static LoraGradients gradients;
    static float[] image;
    static float[][] noise;

    @BeforeAll
    static void tinyModelWithRandomAdapter() throws IOException {
        UNetConfig config = UNetConfig.tiny(1, 28, List.of("Trouser", "Sandal"));
        Path base = dir.resolve("base");
        Path adapter = dir.resolve("adapter.stw");
        try (Model m = Model.newInstance("base", Device.cpu(), "PyTorch")) {
            UNet unet = new UNet(config);
            m.setBlock(unet);
            unet.allocate(m.getNDManager());
            unet.randomise(3, n -> true);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            unet.parametersByName().forEach((n, p) -> weights.put(n, p.getArray()));
            ModelFiles.writeBase(base, config, weights, ModelFiles.JSON.createObjectNode());
        }
        try (Model m = Model.newInstance("adapter", Device.cpu(), "PyTorch")) {
            UNet unet = new UNet(config, new LoraSpec(2, 4f), List.of("Shirt"));
            m.setBlock(unet);
            unet.allocate(m.getNDManager());
            ModelFiles.loadBase(base, unet);
            unet.randomise(5, UNet::isAdapterParameter);
            SplittableRandom random = new SplittableRandom(7);
            unet.parametersByName().forEach((n, p) -> {
                if (n.endsWith("/lora_b")) {
                    float[] v = new float[(int) p.getShape().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (random.nextDouble() - 0.5) * 0.2f;
                    }
                    InPlace.copy(p.getArray(), v);
                }
            });
            ObjectNode prov = ModelFiles.JSON.createObjectNode();
            prov.put("baseSha256", ModelFiles.baseSha256(base));
            ModelFiles.writeAdapter(adapter, unet, prov);
        }
        model = StemmaModel.open(base, adapter);
        gradients = LoraGradients.of(model);
        image = new float[PIXELS];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < PIXELS; i++) {
            image[i] = (float) (random.nextDouble() * 2 - 1);
        }
        noise = new float[][] {NoiseSchedule.noise(21, PIXELS), NoiseSchedule.noise(22, PIXELS)};
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shouldCoverTheLoraFactorsButNotTheConceptTokens() {
        List<String> names = gradients.parameterNames();
        assertFalse(names.isEmpty());
        assertTrue(names.stream().allMatch(LoraGradients::isLoraFactor), names.toString());
        assertTrue(model.unet().parametersByName().containsKey("tokens/Shirt"));
        long lora = model.unet().parametersByName().entrySet().stream().filter(e -> e.getKey().contains("/lora_"))
                .mapToLong(e -> e.getValue().getShape().size()).sum();
        assertEquals(lora, gradients.parameterCount());
        assertEquals(lora, Arrays.stream(gradients.parameterSizes()).sum());
        assertEquals(gradients.parameterCount(), gradients.gradient(image, model.nullCondition(), 500, noise[0]).length);
    }

    @Test
    void shouldMatchCentralFiniteDifferencesOfTheLoss() {
        float[] condition = model.condition("Shirt");
        int[] timesteps = {200, 600};
        float[] g = gradients.gradient(image, condition, timesteps, noise, null);
        Map<String, float[]> adapter = adapterTensors();
        // the largest coordinate of an A factor and of a B factor, and one of middling size
        int[] coordinates = {argMaxAbs(g, "/lora_a"), argMaxAbs(g, "/lora_b"), middling(g)};
        float h = 1e-2f;
        for (int coordinate : coordinates) {
            String name = nameOf(coordinate);
            int within = coordinate - offsetOf(name);
            float[] values = adapter.get(name).clone();
            float original = values[within];
            values[within] = original + h;
            model.setAdapterTensors(with(adapter, name, values));
            double plus = gradients.loss(image, condition, timesteps, noise);
            values[within] = original - h;
            model.setAdapterTensors(with(adapter, name, values));
            double minus = gradients.loss(image, condition, timesteps, noise);
            model.setAdapterTensors(adapter);
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, g[coordinate], 0.005 * Math.abs(numeric) + 1e-4,
                    name + "[" + within + "]: analytic " + g[coordinate] + ", central difference " + numeric);
        }
        assertTrue(Math.abs(g[coordinates[0]]) > 1e-3, "the test needs a gradient well above the finite-difference noise");
    }

    @Test
    void shouldSumPerTimestepGradientsWhenTimestepsShareABackward() {
        float[] condition = model.nullCondition();
        float[] both = gradients.gradient(image, condition, new int[] {200, 600}, noise, null);
        float[] first = gradients.gradient(image, condition, 200, noise[0]);
        float[] second = gradients.gradient(image, condition, 600, noise[1]);
        double scale = 0;
        double error = 0;
        for (int i = 0; i < both.length; i++) {
            scale = Math.max(scale, Math.abs(both[i]));
            error = Math.max(error, Math.abs(both[i] - (first[i] + second[i])));
        }
        assertTrue(scale > 0);
        assertTrue(error <= 1e-5 * scale, "max difference " + error + " at scale " + scale);
    }

    @Test
    void shouldLeaveEveryParameterUntouched() {
        Map<String, float[]> before = allParameters();
        gradients.gradient(image, model.condition("Shirt"), new int[] {200, 600}, noise, null);
        gradients.gradient(image, model.nullCondition(), 900, noise[1]);
        Map<String, float[]> after = allParameters();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, values) -> assertArrayEquals(values, after.get(name), name + " changed"));
    }

    @Test
    void shouldGiveTheSameGradientForTheSameInputsAfterReloadingTheAdapter() {
        float[] condition = model.nullCondition();
        float[] first = gradients.gradient(image, condition, new int[] {200, 600}, noise, null);
        Map<String, float[]> adapter = adapterTensors();
        Map<String, float[]> other = new LinkedHashMap<>();
        adapter.forEach((n, v) -> {
            float[] w = v.clone();
            for (int i = 0; i < w.length; i++) {
                w[i] = w[i] * 0.5f + 0.01f;
            }
            other.put(n, w);
        });
        for (int round = 0; round < 3; round++) {
            model.setAdapterTensors(other);
            float[] moved = gradients.gradient(image, condition, new int[] {200, 600}, noise, null);
            assertFalse(Arrays.equals(first, moved), "another adapter state gives another gradient");
            model.setAdapterTensors(adapter);
            System.gc(); // a buffer left stale by the reload would be freed here and read below
            float[] again = gradients.gradient(image, condition, new int[] {200, 600}, noise, new float[first.length]);
            assertArrayEquals(first, again, "round " + round);
        }
    }

    @Test
    void shouldFailWithAClearMessageWhenTheGradientIsNotFinite() {
        float[] poisoned = image.clone();
        poisoned[5] = Float.NaN;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> gradients.gradient(poisoned, model.nullCondition(), 300, noise[0]));
        assertTrue(e.getMessage().startsWith("the LoRA gradient is not finite twice in a row"), e.getMessage());
        float[] fine = gradients.gradient(image, model.nullCondition(), 300, noise[0]);
        for (float v : fine) {
            assertTrue(Float.isFinite(v), "a failed gradient leaves no NaN behind in the gradient buffers");
        }
        assertThrows(IllegalArgumentException.class, () -> gradients.gradient(new float[3], model.nullCondition(), 300, noise[0]));
        assertThrows(IllegalArgumentException.class, () -> gradients.gradient(image, model.nullCondition(), 1000, noise[0]));
    }

    private static Map<String, float[]> adapterTensors() {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.unet().parametersByName().forEach((n, p) -> {
            if (UNet.isAdapterParameter(n)) {
                out.put(n, p.getArray().toFloatArray());
            }
        });
        return out;
    }

    private static Map<String, float[]> allParameters() {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.unet().parametersByName().forEach((n, p) -> out.put(n, p.getArray().toFloatArray()));
        return out;
    }

    private static Map<String, float[]> with(Map<String, float[]> tensors, String name, float[] values) {
        Map<String, float[]> copy = new LinkedHashMap<>(tensors);
        copy.put(name, values);
        return copy;
    }

    private static int offsetOf(String name) {
        int offset = 0;
        int[] sizes = gradients.parameterSizes();
        for (int i = 0; i < sizes.length; i++) {
            if (gradients.parameterNames().get(i).equals(name)) {
                return offset;
            }
            offset += sizes[i];
        }
        throw new IllegalArgumentException(name);
    }

    private static String nameOf(int coordinate) {
        int offset = 0;
        int[] sizes = gradients.parameterSizes();
        for (int i = 0; i < sizes.length; i++) {
            if (coordinate < offset + sizes[i]) {
                return gradients.parameterNames().get(i);
            }
            offset += sizes[i];
        }
        throw new IllegalArgumentException("coordinate " + coordinate);
    }

    private static int argMaxAbs(float[] g, String kind) {
        int best = -1;
        for (int i = 0; i < g.length; i++) {
            if (nameOf(i).endsWith(kind) && (best < 0 || Math.abs(g[i]) > Math.abs(g[best]))) {
                best = i;
            }
        }
        return best;
    }

    /** A coordinate whose gradient is near the median of the non-negligible ones. */
    private static int middling(float[] g) {
        Integer[] order = new Integer[g.length];
        for (int i = 0; i < g.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
        return order[g.length / 20];
    }
}
