package dev.stemma.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable dense tensor: dtype, shape, and little-endian element data in row-major order.
 * Rank 0 to {@value #MAX_RANK}; every dimension at least 1.
 */
public final class Tensor {
    /** Highest rank the format accepts. */
    public static final int MAX_RANK = 8;

    private final DType dtype;
    private final int[] shape;
    /** The element data is {@code data[offset, offset + length)}; decoding may share a record's array. */
    private final byte[] data;
    private final int offset;
    private final int length;

    private Tensor(DType dtype, int[] shape, byte[] data) {
        this(dtype, shape, data, 0, data.length);
    }

    private Tensor(DType dtype, int[] shape, byte[] data, int offset, int length) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /**
     * A tensor over a copy of {@code littleEndianData}.
     *
     * @throws IllegalArgumentException if the data length does not match dtype and shape
     */
    public static Tensor of(DType dtype, int[] shape, byte[] littleEndianData) {
        int[] s = shape.clone();
        long elements = checkShape(s);
        if (dtype == null || littleEndianData.length != elements * dtype.byteSize()) {
            throw new IllegalArgumentException("tensor of dtype " + dtype + " and shape " + Arrays.toString(s)
                    + " needs " + (dtype == null ? "?" : elements * dtype.byteSize()) + " bytes, got " + littleEndianData.length);
        }
        return new Tensor(dtype, s, littleEndianData.clone());
    }

    /** A float32 tensor holding exactly {@code values}. */
    public static Tensor float32(int[] shape, float[] values) {
        return fromFloats(DType.FLOAT32, shape, values);
    }

    /** A float16 tensor holding {@code values} rounded to half precision. */
    public static Tensor float16(int[] shape, float[] values) {
        return fromFloats(DType.FLOAT16, shape, values);
    }

    /** A tensor of the given dtype holding {@code values}, rounded if the dtype is narrower. */
    public static Tensor fromFloats(DType dtype, int[] shape, float[] values) {
        int[] s = shape.clone();
        long elements = checkShape(s);
        if (values.length != elements) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + elements
                    + " elements, got " + values.length + " values");
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.FLOAT32) {
            buf.asFloatBuffer().put(values);
        } else {
            for (float v : values) {
                buf.putShort(Float16.fromFloat(v));
            }
        }
        return new Tensor(dtype, s, buf.array());
    }

    /** Wraps already-validated decoded data without copying. */
    static Tensor trusted(DType dtype, int[] shape, byte[] data) {
        return new Tensor(dtype, shape, data);
    }

    /**
     * Wraps already-validated decoded data in {@code data[offset, offset + length)} without
     * copying: the caller promises never to change those bytes.
     */
    static Tensor trusted(DType dtype, int[] shape, byte[] data, int offset, int length) {
        return new Tensor(dtype, shape, data, offset, length);
    }

    /** Product of the dimensions, or throws if a dimension is below 1 or the rank too high. */
    static long checkShape(int[] shape) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds " + MAX_RANK);
        }
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("dimension " + d + " in shape " + Arrays.toString(shape) + " is below 1");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return length / dtype.byteSize();
    }

    /** Number of data bytes. */
    public int byteSize() {
        return length;
    }

    /** The elements as float32 values (widened from float16 if need be). */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.FLOAT32) {
            buf.asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float16.toFloat(buf.getShort());
            }
        }
        return out;
    }

    /**
     * Whether any element is NaN or infinite: an all-ones exponent, tested on the raw bits
     * without widening to a float array (the collector checks every tensor it stores).
     */
    public boolean hasNonFinite() {
        // Eight bytes at a time, without branches: masking each lane to its exponent and adding
        // one to the exponent's lowest bit carries into the lane's top bit exactly when the
        // exponent is all ones (the lanes cannot carry into each other).
        final long exponents;
        final long carry;
        final int width;
        if (dtype == DType.FLOAT32) {
            exponents = 0x7f800000_7f800000L;
            carry = 0x00800000_00800000L;
            width = 4;
        } else {
            exponents = 0x7c007c00_7c007c00L;
            carry = 0x04000400_04000400L;
            width = 2;
        }
        long seen = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            seen |= ((long) LONG_BITS.get(data, i) & exponents) + carry;
        }
        if ((seen & ~(exponents | carry) & (exponents + carry)) != 0) {
            return true;
        }
        for (; i + width <= end; i += width) {
            boolean nonFinite = width == 4
                    ? ((int) FLOAT32_BITS.get(data, i) & 0x7f800000) == 0x7f800000
                    : ((short) FLOAT16_BITS.get(data, i) & 0x7c00) == 0x7c00;
            if (nonFinite) {
                return true;
            }
        }
        return false;
    }

    private static final java.lang.invoke.VarHandle LONG_BITS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle FLOAT32_BITS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle FLOAT16_BITS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** A copy of the little-endian element data. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** The little-endian element data, read-only, without a copy. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data, offset, length).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The array holding the data, from {@link #rawOffset()} for {@link #byteSize()} bytes: never to be changed. */
    byte[] rawData() {
        return data;
    }

    int rawOffset() {
        return offset;
    }

    int[] rawShape() {
        return shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, offset, offset + length, t.data, t.offset, t.offset + t.length);
    }

    @Override
    public int hashCode() {
        int h = 1; // Arrays.hashCode over the data range
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + data[i];
        }
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + h;
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
