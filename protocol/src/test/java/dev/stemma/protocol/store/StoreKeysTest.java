package dev.stemma.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StoreKeysTest {
    private static final ProbeActivation ACT = new ProbeActivation(7, "up1", 600, Conditioning.NULL_TOKEN,
            new Pooling(2), Tensor.float32(new int[] {1}, new float[] {1}));

    @Test
    void shouldOrderStepsAsBytes() {
        long[] steps = {0, 1, 255, 256, 65_536, 1L << 40};
        for (int i = 1; i < steps.length; i++) {
            assertTrue(Arrays.compareUnsigned(StoreKeys.step("r", steps[i - 1]), StoreKeys.step("r", steps[i])) < 0);
            assertTrue(Arrays.compareUnsigned(StoreKeys.activation("r", steps[i - 1], ACT),
                    StoreKeys.activation("r", steps[i], ACT)) < 0);
        }
    }

    @Test
    void shouldKeepRunsWithSharedPrefixApart() {
        byte[] a = StoreKeys.run("run");
        byte[] key = StoreKeys.step("run1", 0);
        assertTrue(!startsWith(key, a), "run 'run' must not prefix keys of run 'run1'");
    }

    @Test
    void shouldMakeSeriesPrefixOfItsActivationKeys() throws Exception {
        byte[] prefix = StoreKeys.seriesPrefix("r", 7, "up1", 600, Conditioning.NULL_TOKEN, new Pooling(2));
        byte[] key = StoreKeys.activation("r", 42, ACT);
        assertTrue(startsWith(key, prefix));
        StoreKeys.ActivationKey parsed = StoreKeys.parseActivation(key);
        assertEquals(new StoreKeys.ActivationKey("r", 7, "up1", 600, Conditioning.NULL_TOKEN, new Pooling(2), 42), parsed);
        assertEquals(42, StoreKeys.stepOf(key));
    }

    @Test
    void shouldParseFactorName() {
        byte[] key = StoreKeys.factor("r", "down.conv/lora_a", 9);
        assertEquals("down.conv/lora_a", StoreKeys.factorNameOf(key));
        assertEquals("r", StoreKeys.runOf(key));
        assertEquals(9, StoreKeys.stepOf(key));
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
