package dev.stemma.protocol;

/**
 * Bytes that are not a valid record of a format version this code reads. Decoding reports
 * every defect this way and in no other way; the {@link #reason()} tells the kind of defect
 * (the collector puts it in the dead-letter header).
 */
public final class MalformedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of defect. */
    public enum Reason {
        /** The input ended before the record did. */
        TRUNCATED,
        /** The input does not start with the Stemma magic bytes. */
        BAD_MAGIC,
        /** The record was written by a format version this code cannot read. */
        UNSUPPORTED_VERSION,
        /** The record type byte names no known record. */
        UNKNOWN_TYPE,
        /** A field holds a value outside its domain (a negative count, bad UTF-8, an invalid id). */
        INVALID_VALUE,
        /** A tensor's data does not match its shape, or a shape is out of bounds. */
        SHAPE_MISMATCH,
        /** A tensor holds NaN or infinity where finite values are required. */
        NON_FINITE,
        /** Bytes remain after a complete record. */
        TRAILING_BYTES
    }

    private final Reason reason;

    public MalformedRecordException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** What kind of defect was found. */
    public Reason reason() {
        return reason;
    }
}
