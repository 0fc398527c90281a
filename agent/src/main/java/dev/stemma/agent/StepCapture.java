package dev.stemma.agent;

import dev.stemma.protocol.BatchItem;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.Pooling;
import java.util.List;

/**
 * What the training thread copied out of one step: plain Java arrays, no NDArray, no encoding.
 * The publisher thread turns it into a {@code StepSnapshot}.
 */
record StepCapture(long step, float loss, float learningRate, List<BatchItem> batch, List<FactorCopy> factors,
                   List<ActivationBlock> activations) {

    /** One adapter tensor, copied. */
    record FactorCopy(String name, int[] shape, float[] values) {}

    /**
     * Pooled activations of consecutive probes {@code firstProbe .. firstProbe+count-1}, all of
     * one layer, timestep, conditioning and pooling; {@code values} holds count x perProbe floats.
     */
    record ActivationBlock(String layer, int timestep, Conditioning conditioning, Pooling pooling, int firstProbe,
                           int count, int[] perProbeShape, float[] values) {}

    /** Bytes this capture holds, which is what it may cost in the send queue. */
    long byteSize() {
        long n = 64L + 32L * batch.size();
        for (FactorCopy f : factors) {
            n += 32L + 4L * f.values().length;
        }
        for (ActivationBlock a : activations) {
            n += 32L + 4L * a.values().length;
        }
        return n;
    }
}
