package dev.stemma.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an array's existing storage. DJL's {@code NDArray.set(float[])} on the
 * PyTorch engine does not copy: it points the tensor at a new direct buffer (JNI {@code torchSet}),
 * so the tensor's memory then lives only as long as Java keeps that buffer, and every other view
 * of the old storage (the optimizer's, autograd's) goes stale. Parameters, optimizer state and
 * EMA averages are written through here instead.
 */
public final class InPlace {
    private InPlace() {}

    /** Copies {@code values} (row-major, the array's size) into {@code target}'s storage. */
    public static void copy(NDArray target, float[] values) {
        if (values.length != target.getShape().size()) {
            throw new IllegalArgumentException(values.length + " values for an array of shape " + target.getShape());
        }
        try (NDManager scratch = target.getManager().newSubManager()) {
            target.set(new NDIndex("..."), scratch.create(values, target.getShape()));
        }
    }
}
