package dev.stemma.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** hasNonFinite reads the raw bits: it must agree with Float.isFinite for both dtypes. */
class TensorFiniteTest {

    @Test
    void shouldFindNanAndInfinityInFloat32() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertTrue(Tensor.float32(new int[] {3}, new float[] {1f, bad, 2f}).hasNonFinite(), "float32 " + bad);
        }
        assertFalse(Tensor.float32(new int[] {4}, new float[] {0f, -0f, Float.MAX_VALUE, Float.MIN_VALUE}).hasNonFinite());
    }

    @Test
    void shouldFindNanAndInfinityInFloat16() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e6f}) {
            assertTrue(Tensor.float16(new int[] {2}, new float[] {bad, 1f}).hasNonFinite(), "float16 " + bad);
        }
        assertFalse(Tensor.float16(new int[] {3}, new float[] {65504f, -65504f, 6e-8f}).hasNonFinite());
    }
}
