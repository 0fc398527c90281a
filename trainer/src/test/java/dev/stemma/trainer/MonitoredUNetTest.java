package dev.stemma.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stemma.trainer.model.LoraSpec;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trainer's side of the agent's interface, on a small random adapted U-Net. */
class MonitoredUNetTest {

    /** One forward with a timestep per image gives each image what a forward at its timestep alone gives. */
    @Test
    void shouldTakeEveryTimestepOfACaptureInOneForwardAsIfEachRanAlone() {
        try (Model model = Model.newInstance("monitored"); NDManager m = NDManager.newBaseManager()) {
            UNet unet = new UNet(UNetConfig.tiny(1, 28, List.of("a", "b")), new LoraSpec(2, 4f), List.of("x"));
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            unet.randomise(3, n -> true);
            MonitoredUNet monitored = new MonitoredUNet(unet, List.of(), () -> null);
            int n = 3;
            Shape shape = new Shape(n, 1, 28, 28);
            NDArray images = m.create(NoiseSchedule.noise(1, n * 784), shape);
            NDArray noise = m.create(NoiseSchedule.noise(2, n * 784), shape);
            List<String> tokens = Collections.nCopies(n, null);
            Set<String> layers = Set.of("mid");

            NDArray mixed = monitored.probeForward(m, NDArrays.concat(new NDList(images, images), 0),
                    new int[] {200, 200, 200, 600, 600, 600}, NDArrays.concat(new NDList(noise, noise), 0),
                    Collections.nCopies(2 * n, null), layers).get("mid");
            NDArray at200 = monitored.probeForward(m, images, 200, noise, tokens, layers).get("mid");
            NDArray at600 = monitored.probeForward(m, images, 600, noise, tokens, layers).get("mid");

            float[] expected = NDArrays.concat(new NDList(at200, at600), 0).toFloatArray();
            float[] actual = mixed.toFloatArray();
            float scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertArrayEquals(expected, actual, 1e-5f * scale);
            float[] first = Arrays.copyOf(actual, expected.length / 2);
            float[] second = Arrays.copyOfRange(actual, expected.length / 2, expected.length);
            assertFalse(Arrays.equals(first, second), "the two timesteps differ");
        }
    }
}
