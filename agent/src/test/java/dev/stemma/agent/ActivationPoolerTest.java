package dev.stemma.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stemma.protocol.Pooling;
import org.junit.jupiter.api.Test;

class ActivationPoolerTest {

    @Test
    void shouldAverageEachGridCellIncludingUnevenSplits() {
        int n = 2, c = 3, h = 7, w = 7, g = 2;
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray pooled = ActivationPooler.pool(m.create(x, new Shape(n, c, h, w)), new Pooling(g));
            assertEquals(new Shape(n, c, g, g), pooled.getShape());
            float[] got = pooled.toFloatArray();
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < g; i++) {
                        for (int j = 0; j < g; j++) {
                            int h0 = i * h / g, h1 = ((i + 1) * h + g - 1) / g, w0 = j * w / g, w1 = ((j + 1) * w + g - 1) / g;
                            double sum = 0;
                            for (int y = h0; y < h1; y++) {
                                for (int xx = w0; xx < w1; xx++) {
                                    sum += x[((b * c + ch) * h + y) * w + xx];
                                }
                            }
                            float expected = (float) (sum / ((h1 - h0) * (w1 - w0)));
                            assertEquals(expected, got[((b * c + ch) * g + i) * g + j], 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldMatchGlobalMeanForEvenGridAndGridOne() {
        float[] x = new float[1 * 2 * 4 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.create(x, new Shape(1, 2, 4, 4));
            assertArrayEquals(new float[] {7.5f, 23.5f}, ActivationPooler.pool(a, Pooling.GLOBAL_MEAN).toFloatArray(), 1e-5f);
            // Top-left 2x2 of channel 0: 0, 1, 4, 5.
            assertEquals(2.5f, ActivationPooler.pool(a, new Pooling(2)).toFloatArray()[0], 1e-5f);
        }
    }
}
