package dev.stemma.analyzer.replay;

import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.model.NoiseSchedule;
import java.util.List;
import java.util.function.Consumer;

/**
 * How much each concept's token explains an image under the customised model, beyond the null
 * token: for concept c, {@code (L_null - L_c) / L_null}, where {@code L} is the diffusion loss
 * (mean squared error of the predicted noise) averaged over {@link #TIMESTEPS} and
 * {@link #NOISES} noise draws per timestep. Every image and every token see the same noise
 * draws, so the comparison between tokens is paired and an image's gains do not depend on
 * which other images are computed with it. Each row ends with the null-token loss itself (how
 * hard the image is to denoise at all: what tells a blank or noise image from a real one). The
 * model must be at the step to read (the final one); one forward per image covers every token,
 * timestep and draw.
 */
public final class TokenGains {
    /** Diffusion timesteps the loss is averaged over. */
    public static final int[] TIMESTEPS = {100, 200, 300, 400, 500, 600, 700, 800, 900};
    /** Noise draws per timestep. */
    public static final int NOISES = 1;
    private static final long NOISE_SEED = 0x70CE_6A15L;

    private TokenGains() {}

    /** Row i: the gains of image i (CHW in [-1, 1]) for each of {@code concepts}, in that order, then its null-token loss. */
    public static float[][] of(StemmaModel model, float[][] images, List<String> concepts, Consumer<String> progress) {
        int tokens = concepts.size() + 1; // the concepts, then the null token
        float[][] conditions = new float[tokens][];
        for (int c = 0; c < concepts.size(); c++) {
            conditions[c] = model.condition(concepts.get(c));
        }
        conditions[concepts.size()] = model.nullCondition();
        int draws = TIMESTEPS.length * NOISES;
        int rows = tokens * draws;
        float[][] noises = new float[draws][];
        float[][] result = new float[images.length][];
        long began = System.nanoTime();
        for (int i = 0; i < images.length; i++) {
            float[] clean = images[i];
            float[][] xs = new float[rows][];
            int[] timesteps = new int[rows];
            float[][] conds = new float[rows][];
            for (int d = 0; d < draws; d++) {
                if (noises[d] == null) {
                    noises[d] = NoiseSchedule.noise(NOISE_SEED + d, clean.length);
                }
                float[] noisy = new float[clean.length];
                NoiseSchedule.noisy(clean, noises[d], TIMESTEPS[d / NOISES], noisy, 0);
                for (int c = 0; c < tokens; c++) {
                    xs[c * draws + d] = noisy;
                    timesteps[c * draws + d] = TIMESTEPS[d / NOISES];
                    conds[c * draws + d] = conditions[c];
                }
            }
            float[][] predicted = model.predictNoise(xs, timesteps, conds);
            double[] loss = new double[tokens];
            for (int c = 0; c < tokens; c++) {
                for (int d = 0; d < draws; d++) {
                    float[] p = predicted[c * draws + d];
                    float[] eps = noises[d];
                    double se = 0;
                    for (int j = 0; j < eps.length; j++) {
                        double diff = p[j] - eps[j];
                        se += diff * diff;
                    }
                    loss[c] += se / eps.length / draws;
                }
            }
            double nullLoss = loss[concepts.size()];
            float[] gains = new float[concepts.size() + 1];
            for (int c = 0; c < concepts.size(); c++) {
                gains[c] = (float) ((nullLoss - loss[c]) / nullLoss);
            }
            gains[concepts.size()] = (float) nullLoss;
            result[i] = gains;
            if ((i + 1) % 64 == 0 && i + 1 < images.length) {
                progress.accept(String.format(java.util.Locale.ROOT, "token gains: %d of %d images (%.1f s)", i + 1,
                        images.length, (System.nanoTime() - began) / 1e9));
            }
        }
        return result;
    }
}
