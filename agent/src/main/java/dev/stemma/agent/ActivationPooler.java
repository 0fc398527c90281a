package dev.stemma.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.stemma.protocol.Pooling;

/**
 * Average-pools (N, C, H, W) activations onto a g x g grid on the engine, so that only the
 * pooled values are copied to the JVM. Cells follow adaptive average pooling: cell i spans rows
 * floor(i*H/g) to ceil((i+1)*H/g). Means are taken over one axis after a reshape, since PyTorch's
 * mean over two axes fails in DJL (STYLE.md). Public so that replay pools exactly as the agent did.
 */
public final class ActivationPooler {
    private ActivationPooler() {}

    /** Pooled values, shape (N, C) for a global mean, else (N, C, g, g). */
    public static NDArray pool(NDArray x, Pooling pooling) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("expected (N, C, H, W) activations, got " + s);
        }
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        int g = pooling.grid();
        if (g == 1) {
            return x.reshape(n, c, h * w).mean(new int[] {2});
        }
        if (g > h || g > w) {
            throw new IllegalArgumentException("pooling grid " + g + " is finer than the " + h + "x" + w + " activation");
        }
        if (h % g == 0 && w % g == 0) {
            return x.reshape(n, c, g, h / g, g, w / g)
                    .transpose(0, 1, 2, 4, 3, 5)
                    .reshape(n, c, g, g, (h / g) * (w / g))
                    .mean(new int[] {4});
        }
        NDList cells = new NDList(g * g);
        for (int i = 0; i < g; i++) {
            long h0 = Math.floorDiv(i * h, g);
            long h1 = -Math.floorDiv(-(i + 1) * h, g);
            for (int j = 0; j < g; j++) {
                long w0 = Math.floorDiv(j * w, g);
                long w1 = -Math.floorDiv(-(j + 1) * w, g);
                NDArray cell = x.get(":, :, " + h0 + ":" + h1 + ", " + w0 + ":" + w1);
                cells.add(cell.reshape(n, c, (h1 - h0) * (w1 - w0)).mean(new int[] {2}));
            }
        }
        return NDArrays.stack(cells, 2).reshape(n, c, g, g);
    }
}
