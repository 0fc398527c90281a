package dev.stemma.trainer.model;

import java.util.SplittableRandom;

/**
 * The DDPM forward process: a linear beta schedule from 1e-4 to 0.02 over {@link #STEPS} steps, the
 * noising of clean images, and the seeded Gaussian noise every batch item and sample draws (from its
 * own seed, in Java, so that it never depends on the engine's generator or thread count).
 */
public final class NoiseSchedule {
    /** Diffusion timesteps T. */
    public static final int STEPS = 1000;
    private static final double BETA_START = 1e-4;
    private static final double BETA_END = 0.02;
    private static final double[] ALPHA_BAR = new double[STEPS];

    static {
        double prod = 1;
        for (int t = 0; t < STEPS; t++) {
            double beta = BETA_START + (BETA_END - BETA_START) * t / (STEPS - 1);
            prod *= 1 - beta;
            ALPHA_BAR[t] = prod;
        }
    }

    private NoiseSchedule() {}

    /** The cumulative product of (1 - beta) up to and including {@code t}. */
    public static double alphaBar(int t) {
        if (t < 0 || t >= STEPS) {
            throw new IllegalArgumentException("timestep " + t + " is outside 0.." + (STEPS - 1));
        }
        return ALPHA_BAR[t];
    }

    /** {@code count} standard-normal floats from {@code seed}: the same seed gives the same noise. */
    public static float[] noise(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[count];
        for (int i = 0; i < count; i += 2) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(1 - u1));
            out[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < count) {
                out[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }

    /** x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps, written into {@code out} at {@code offset}. */
    public static void noisy(float[] clean, float[] eps, int t, float[] out, int offset) {
        double ab = alphaBar(t);
        float a = (float) Math.sqrt(ab);
        float b = (float) Math.sqrt(1 - ab);
        for (int i = 0; i < clean.length; i++) {
            out[offset + i] = a * clean[i] + b * eps[i];
        }
    }
}
