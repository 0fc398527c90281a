package dev.stemma.analyzer.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.DType;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.SoftwareVersions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactorLayoutTest {

    @Test
    void shouldTakeTheLoraFactorsOfAManifestInItsOrderWithoutTokens() {
        RunManifest manifest = new RunManifest("r", Instant.EPOCH, 1, new SoftwareVersions("17", "0.35.1", "2.7.1", "0.1.0"),
                "00".repeat(32), Map.of(), Map.of(), List.of("Shirt"), List.of(), List.of(
                new RunManifest.TensorShape("tokens/Shirt", DType.FLOAT32, new int[] {1, 32}),
                new RunManifest.TensorShape("down0.res.conv1/lora_a", DType.FLOAT32, new int[] {2, 8, 3, 3}),
                new RunManifest.TensorShape("down0.res.conv1/lora_b", DType.FLOAT32, new int[] {8, 2, 1, 1}),
                new RunManifest.TensorShape("mid.attn.q/lora_a", DType.FLOAT32, new int[] {2, 16})));
        FactorLayout layout = FactorLayout.loraFactors(manifest);
        assertEquals(List.of("down0.res.conv1/lora_a", "down0.res.conv1/lora_b", "mid.attn.q/lora_a"), layout.names());
        assertArrayEquals(new int[] {144, 16, 32}, layout.sizes());
        assertEquals(192, layout.columns());
        assertEquals(160, layout.offset(2));
        FactorLayout reordered = new FactorLayout(List.of("down0.res.conv1/lora_b", "down0.res.conv1/lora_a", "mid.attn.q/lora_a"),
                new int[] {16, 144, 32});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layout.requireSame(reordered, "model vs run"));
        assertTrue(e.getMessage().startsWith("model vs run: factor 0 is down0.res.conv1/lora_a (144) here"), e.getMessage());
    }

    @Test
    void shouldSpreadCheckpointsEvenlyEndingAtTheLastRecordedStep() {
        long[] steps = java.util.stream.LongStream.range(0, 800).toArray();
        assertArrayEquals(new long[] {200, 400, 599, 799}, RecordedSteps.spread(steps, 4));
        assertArrayEquals(new long[] {2, 5, 7, 9}, RecordedSteps.spread(java.util.stream.LongStream.range(0, 10).toArray(), 4));
        assertArrayEquals(new long[] {10, 20}, RecordedSteps.spread(new long[] {0, 10, 20}, 4), "fewer when fewer were recorded");
        assertArrayEquals(new long[] {0, 5, 10}, RecordedSteps.everyKth(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5));
    }
}
