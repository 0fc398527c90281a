package dev.stemma.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    @Test
    void shouldKeepAScalarFactorValidForTheBackwardAfterGarbageCollection() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.ones(new Shape(4));
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                // x.mul(3f) here gave gradients of -6.6e17 or -1.2e33: its scalar is freed before the backward
                NDArray y = x.mul(Scalars.of(x, 3f));
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(100);
                }
                gc.backward(y.sum());
            }
            assertArrayEquals(new float[] {3, 3, 3, 3}, x.getGradient().toFloatArray());
        }
    }
}
