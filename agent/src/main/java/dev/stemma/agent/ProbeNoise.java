package dev.stemma.agent;

import java.util.Arrays;
import java.util.Random;

/**
 * The fixed noise of the probe forwards: one Gaussian map per (run seed, diffusion timestep),
 * drawn in Java so that it does not depend on the engine. The probes of a run take consecutive
 * slices of it in probe-id order; replay takes the same slices to rebuild a recorded activation,
 * and slot 0's slice for an image that was never a probe.
 */
public final class ProbeNoise {
    private ProbeNoise() {}

    /** The first {@code count} values of the map of {@code (seed, timestep)}. */
    public static float[] values(long seed, int timestep, int count) {
        Random random = new Random(seed * 31 + timestep * 1_000_033L + 7);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The slice that probe slot {@code slot} sees, {@code perImage} values long. */
    public static float[] slot(long seed, int timestep, int slot, int perImage) {
        float[] all = values(seed, timestep, Math.multiplyExact(slot + 1, perImage));
        return Arrays.copyOfRange(all, slot * perImage, (slot + 1) * perImage);
    }
}
