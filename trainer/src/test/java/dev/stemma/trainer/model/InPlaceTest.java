package dev.stemma.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InPlaceTest {

    @Test
    void shouldWriteIntoTheStorageThatAnEarlierViewShares() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray target = m.zeros(new Shape(2, 3));
            NDArray view = target.reshape(6); // shares target's storage
            float[] values = {1, 2, 3, 4, 5, 6};
            InPlace.copy(target, values);
            assertArrayEquals(values, target.toFloatArray());
            // set(float[]) would leave the view on the old storage, still zeros
            assertArrayEquals(values, view.toFloatArray());
        }
    }

    @Test
    void shouldCopyIntoAnArrayThatRequiresGradientAndKeepTheFlag() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray target = m.zeros(new Shape(4));
            target.setRequiresGradient(true);
            InPlace.copy(target, new float[] {1, -1, 2, -2});
            assertArrayEquals(new float[] {1, -1, 2, -2}, target.toFloatArray());
            assertTrue(target.hasGradient());
        }
    }

    @Test
    void shouldRejectAValueCountThatDiffersFromTheArrays() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray target = m.zeros(new Shape(2, 2));
            assertThrows(IllegalArgumentException.class, () -> InPlace.copy(target, new float[3]));
        }
    }

    @Test
    void shouldKeepRandomisedParametersThroughGarbageCollectionAndNewAllocations() {
        UNetConfig cfg = UNetConfig.tiny(1, 28, List.of("a", "b"));
        try (Model model = Model.newInstance("t", Device.cpu(), "PyTorch")) {
            UNet unet = new UNet(cfg, new LoraSpec(2, 4f), List.of("x"));
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            Map<String, NDArray> views = new LinkedHashMap<>();
            unet.parametersByName().forEach((name, p) -> views.put(name, p.getArray().reshape(-1)));
            unet.randomise(3, n -> true);
            Map<String, float[]> expected = new LinkedHashMap<>();
            unet.parametersByName().forEach((name, p) -> expected.put(name, p.getArray().toFloatArray()));
            churn(model.getNDManager());
            for (Map.Entry<String, Parameter> e : unet.parametersByName().entrySet()) {
                String name = e.getKey();
                assertArrayEquals(expected.get(name), e.getValue().getArray().toFloatArray(), name);
                assertArrayEquals(expected.get(name), views.get(name).toFloatArray(), name + " seen through an earlier view");
            }
            assertTrue(expected.get("tokens/x")[0] != 0f, "the token was drawn");
        }
    }

    /** Frees what the JVM may free and reuses the memory with other values. */
    private static void churn(NDManager parent) {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try (NDManager m = parent.newSubManager()) {
                for (int i = 0; i < 200; i++) {
                    float[] junk = new float[1 + (i % 64) * 64];
                    Arrays.fill(junk, Float.NaN);
                    m.create(junk);
                }
            }
        }
        System.gc();
    }
}
