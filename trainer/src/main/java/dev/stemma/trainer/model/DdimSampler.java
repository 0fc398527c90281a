package dev.stemma.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Deterministic DDIM sampling (eta = 0) with classifier-free guidance:
 * eps = eps(null) + guidance * (eps(cond) - eps(null)). Image i starts from noise seeded by
 * (seed, i), so a sample does not depend on how many are drawn with it. Forward passes only, in a
 * fresh {@link ParameterStore}, each step in its own sub-manager.
 */
public final class DdimSampler {
    public static final int DEFAULT_STEPS = 25;
    public static final float DEFAULT_GUIDANCE = 4f;
    private static final int CHUNK = 64;

    private DdimSampler() {}

    /**
     * Samples one image per row of {@code condition} (conditioning weights, {@code model.conditionRows()}
     * wide) and returns them as (N, C, H, W) in [-1, 1], created in {@code manager}.
     */
    public static NDArray sample(UNet model, NDManager manager, float[][] condition, long seed, int steps, float guidance) {
        if (steps < 1 || steps > NoiseSchedule.STEPS) {
            throw new IllegalArgumentException("DDIM steps " + steps + " outside 1.." + NoiseSchedule.STEPS);
        }
        UNetConfig cfg = model.config();
        int c = cfg.imageChannels();
        int s = cfg.imageSize();
        int per = c * s * s;
        int n = condition.length;
        float[] all = new float[n * per];
        for (int from = 0; from < n; from += CHUNK) {
            int m = Math.min(CHUNK, n - from);
            float[] x = new float[m * per];
            for (int i = 0; i < m; i++) {
                System.arraycopy(NoiseSchedule.noise(Seeds.mix(seed, from + i), per), 0, x, i * per, per);
            }
            float[] w = new float[2 * m * model.conditionRows()];
            for (int i = 0; i < m; i++) {
                float[] row = condition[from + i];
                if (row.length != model.conditionRows()) {
                    throw new IllegalArgumentException("conditioning row has " + row.length + " weights, the model "
                            + model.conditionRows());
                }
                System.arraycopy(row, 0, w, i * row.length, row.length);
                w[(m + i) * row.length] = 1f; // second half: the null token
            }
            denoise(model, manager, x, w, m, steps, guidance);
            System.arraycopy(x, 0, all, from * per, x.length);
        }
        return manager.create(all, new Shape(n, c, s, s));
    }

    private static void denoise(UNet model, NDManager manager, float[] x, float[] w, int m, int steps, float guidance) {
        UNetConfig cfg = model.config();
        int per = x.length / m;
        int[] ts = new int[steps];
        for (int k = 0; k < steps; k++) {
            ts[k] = steps == 1 ? NoiseSchedule.STEPS - 1 : (int) Math.round((double) k * (NoiseSchedule.STEPS - 1) / (steps - 1));
        }
        for (int k = steps - 1; k >= 0; k--) {
            int t = ts[k];
            float[] eps;
            try (NDManager step = manager.newSubManager()) {
                ParameterStore ps = new ParameterStore(step, false);
                float[] xx = new float[2 * x.length];
                System.arraycopy(x, 0, xx, 0, x.length);
                System.arraycopy(x, 0, xx, x.length, x.length);
                float[] tt = new float[2 * m];
                java.util.Arrays.fill(tt, t);
                NDList in = new NDList(step.create(xx, new Shape(2L * m, cfg.imageChannels(), cfg.imageSize(), cfg.imageSize())),
                        step.create(tt), step.create(w, new Shape(2L * m, model.conditionRows())));
                float[] both = model.forward(ps, in, false, null, null).singletonOrThrow().toFloatArray();
                eps = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    float uncond = both[x.length + i];
                    eps[i] = uncond + guidance * (both[i] - uncond);
                }
            }
            double ab = NoiseSchedule.alphaBar(t);
            double abPrev = k > 0 ? NoiseSchedule.alphaBar(ts[k - 1]) : 1.0;
            double sa = Math.sqrt(ab);
            double sb = Math.sqrt(1 - ab);
            for (int i = 0; i < x.length; i++) {
                double x0 = (x[i] - sb * eps[i]) / sa;
                x0 = Math.max(-1, Math.min(1, x0));
                double e = (x[i] - sa * x0) / sb;
                x[i] = (float) (Math.sqrt(abPrev) * x0 + Math.sqrt(1 - abPrev) * e);
            }
        }
    }
}
