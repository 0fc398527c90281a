package dev.stemma.trainer.model;

/** Derives independent seeds from a seed and indices (SplitMix64 finaliser), the same on every machine. */
public final class Seeds {
    private Seeds() {}

    public static long mix(long seed, long... indices) {
        long z = seed;
        for (long i : indices) {
            z = finalise(z + 0x9E3779B97F4A7C15L * (i + 1));
        }
        return finalise(z);
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
