package dev.stemma.protocol;

/** Element type of a {@link Tensor}. Values are stored little-endian. */
public enum DType {
    /** IEEE 754 binary32. */
    FLOAT32(1, 4),
    /** IEEE 754 binary16, for activations where half precision is enough. */
    FLOAT16(2, 2);

    private final int code;
    private final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The byte that stands for this dtype in the encoding. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    static DType fromCode(int code) throws MalformedRecordException {
        for (DType d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new MalformedRecordException(MalformedRecordException.Reason.INVALID_VALUE, "unknown dtype code " + code);
    }
}
