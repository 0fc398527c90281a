package dev.stemma.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for operations that autograd may record. DJL's {@code Number} overloads on the
 * PyTorch engine (0.35.1: {@code PtNDArray.mul(Number)}, {@code div}, {@code add}, {@code sub}, ...)
 * run {@code try (NDArray number = manager.create(n)) { return mul(number); }}: the scalar is a
 * tensor over a Java direct buffer that is closed as soon as the operation returns, while autograd
 * keeps that tensor for the backward (d(x*s)/dx = s). After a garbage collection the buffer is
 * freed and the backward reads whatever the allocator left there: gradients of 1e17..1e33 or NaN,
 * intermittently. A scalar made by {@link ai.djl.ndarray.NDManager#full} lives in memory that
 * PyTorch allocates and reference-counts, so autograd's copy stays valid whatever DJL closes.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code value} as a float32 scalar tensor in {@code x}'s manager, in PyTorch-owned memory. */
    public static NDArray of(NDArray x, float value) {
        return x.getManager().full(new Shape(), value, DataType.FLOAT32);
    }
}
