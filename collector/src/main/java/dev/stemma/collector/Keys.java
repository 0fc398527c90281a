package dev.stemma.collector;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Byte helpers over {@link dev.stemma.protocol.store.StoreKeys}: step bounds and prefix tests. */
final class Keys {
    /** Appended to a series prefix, sorts after every step of that series (steps are non-negative longs). */
    private static final byte PAST_ALL_STEPS = (byte) 0x80;

    private Keys() {}

    /** {@code prefix | step} with the step big-endian, as StoreKeys ends every step-suffixed key. */
    static byte[] withStep(byte[] prefix, long step) {
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(step).array();
    }

    /** The smallest key greater than every {@code prefix | step}: where the next series starts. */
    static byte[] afterSeries(byte[] prefix) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 1);
        k[prefix.length] = PAST_ALL_STEPS;
        return k;
    }

    /** The smallest key greater than every key that starts with {@code prefix}, or null if none is. */
    static byte[] afterPrefix(byte[] prefix) {
        byte[] k = prefix.clone();
        for (int i = k.length - 1; i >= 0; i--) {
            if (k[i] != (byte) 0xff) {
                k[i]++;
                return Arrays.copyOf(k, i + 1);
            }
        }
        return null;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Whether {@code key} is exactly {@code prefix} followed by an eight-byte step. */
    static boolean isStepKeyOf(byte[] key, byte[] prefix) {
        return key.length == prefix.length + 8 && startsWith(key, prefix);
    }
}
