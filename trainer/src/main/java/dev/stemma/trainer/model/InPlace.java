package dev.stemma.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an array's existing storage. Use it for anything that outlives a step:
 * parameters, optimizer moments, EMA weights.
 *
 * <p>DJL's {@code NDArray.set(float[])} / {@code set(Buffer)} does not copy on the PyTorch engine
 * (0.35.1): {@code PtNDArray.set(Buffer)} copies into a new direct buffer, keeps it in the handle's
 * {@code dataRef} and calls {@code torchSet}, which does {@code tensor.set_(storage)} on a storage
 * wrapping that buffer without a deleter. So the tensor is moved onto Java-owned memory that is
 * freed when that one handle is closed or set again, and any other tensor sharing the old storage
 * (a view, a tensor saved for a backward) no longer sees the tensor's values. The copy here goes
 * through {@code index_put_} on a detached alias of the array: the array keeps its own
 * (PyTorch-allocated) storage, and its requires-grad flag does not matter whatever the thread's
 * grad mode is.
 */
public final class InPlace {
    private InPlace() {}

    /** Copies {@code values} (row-major, the array's element count) into {@code target}'s storage. */
    public static void copy(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(values.length + " values for an array of shape " + target.getShape());
        }
        try (NDManager m = target.getManager().newSubManager()) {
            NDArray source = m.create(values, target.getShape());
            NDArray alias = target.stopGradient(); // same storage, no autograd history
            alias.attach(m);
            alias.set(new NDIndex("..."), source);
        }
    }
}
