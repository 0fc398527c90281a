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

    /** The scan reads eight bytes at a time, then a tail: a bad value in any lane or in the tail is found. */
    @Test
    void shouldFindABadValueAtEveryPosition() {
        for (int n = 1; n <= 11; n++) {
            float[] ok = new float[n];
            java.util.Arrays.fill(ok, -65504f);
            assertFalse(Tensor.float32(new int[] {n}, ok).hasNonFinite(), "float32 n=" + n);
            assertFalse(Tensor.float16(new int[] {n}, ok).hasNonFinite(), "float16 n=" + n);
            for (int at = 0; at < n; at++) {
                for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
                    float[] v = ok.clone();
                    v[at] = bad;
                    assertTrue(Tensor.float32(new int[] {n}, v).hasNonFinite(), "float32 n=" + n + " at " + at);
                    assertTrue(Tensor.float16(new int[] {n}, v).hasNonFinite(), "float16 n=" + n + " at " + at);
                }
            }
        }
    }

    /** A tensor decoded as a view of a record's bytes scans only its own range, not its neighbours. */
    @Test
    void shouldScanOnlyItsOwnBytesWhenSharingARecord() throws MalformedRecordException {
        StepSnapshot s = new StepSnapshot("r", 1, 0.5f, 1e-3f, java.util.List.of(),
                java.util.List.of(new NamedTensor("a", Tensor.float32(new int[] {3}, new float[] {1f, 2f, 3f})),
                        new NamedTensor("b", Tensor.float32(new int[] {1}, new float[] {4f}))),
                java.util.List.of());
        byte[] bytes = RecordCodec.encode(s);
        StepSnapshot shared = (StepSnapshot) RecordCodec.decodeFiniteSharing(bytes);
        assertTrue(s.equals(shared) && s.hashCode() == shared.hashCode());
        // Make the float after factor a (factor b's header and data) non-finite: a must stay finite.
        byte[] bad = RecordCodec.encode(new StepSnapshot("r", 1, 0.5f, 1e-3f, java.util.List.of(),
                java.util.List.of(new NamedTensor("a", Tensor.float32(new int[] {3}, new float[] {1f, 2f, 3f})),
                        new NamedTensor("b", Tensor.float32(new int[] {1}, new float[] {Float.NaN}))),
                java.util.List.of()));
        StepSnapshot decoded = (StepSnapshot) RecordCodec.decode(bad);
        assertFalse(decoded.factors().get(0).value().hasNonFinite());
        assertTrue(decoded.factors().get(1).value().hasNonFinite());
        org.junit.jupiter.api.Assertions.assertThrows(MalformedRecordException.class, () -> RecordCodec.decodeFiniteSharing(bad));
    }
}
