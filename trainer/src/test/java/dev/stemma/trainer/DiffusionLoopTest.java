package dev.stemma.trainer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffusionLoopTest {

    @Test
    void shouldStopWithAnErrorNamingTheStepWhenTheLossIsNotFinite() {
        UNetConfig cfg = UNetConfig.tiny(1, 28, List.of("a"));
        try (Model model = Model.newInstance("nan", Device.cpu(), "PyTorch")) {
            UNet unet = new UNet(cfg);
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            unet.randomise(1, n -> true);
            Examples ex = new Examples();
            float[] poisoned = new float[28 * 28];
            Arrays.fill(poisoned, Float.NaN);
            ex.addGroup("a", 1, false, List.of("bad"), List.of(poisoned));
            LoopSettings settings = new LoopSettings(3, 2, 1e-3f, 0, 1f, 1, 0.1, 0);
            try (DiffusionLoop loop = new DiffusionLoop(unet, model, ex, settings, 0, n -> true, 0f, null, List.of(),
                    line -> { })) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.run(0));
                assertTrue(e.getMessage().startsWith("step 0: training loss is NaN"), e.getMessage());
            }
        }
    }

    @Test
    void shouldPlanTheSameBatchForTheSameSeedAndStepWhateverCameBefore() {
        Examples ex = new Examples();
        ex.addGroup("a", 1, false, List.of("a0", "a1", "a2"), List.of(new float[1], new float[1], new float[1]));
        ex.addGroup("b", 2, false, List.of("b0"), List.of(new float[1]));
        BatchPlanner one = new BatchPlanner(ex, 9, 16, 0, 0.1);
        BatchPlanner two = new BatchPlanner(ex, 9, 16, 0, 0.1);
        one.plan(0);
        one.plan(1);
        assertTrue(one.plan(7).equals(two.plan(7)));
        assertTrue(!one.plan(7).equals(one.plan(8)));
        long fromB = one.plan(3).stream().filter(i -> i.imageId().equals("b0")).count();
        assertTrue(fromB >= 3, "the 1-image concept is drawn as often as the 3-image one, got " + fromB + " of 16");
    }

    @Test
    void shouldWarmUpThenDecayTheLearningRate() {
        LoopSettings s = new LoopSettings(100, 4, 1e-3f, 10, 1f, 1, 0.1, 0);
        assertTrue(s.learningRateAt(0) < s.learningRateAt(9));
        assertTrue(Math.abs(s.learningRateAt(10) - 1e-3f) < 1e-6);
        assertTrue(s.learningRateAt(99) < 2e-4f && s.learningRateAt(99) >= 1e-4f);
    }
}
