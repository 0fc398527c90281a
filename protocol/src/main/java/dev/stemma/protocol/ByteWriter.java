package dev.stemma.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Big-endian primitive writer for the record encoding. Not thread-safe. */
final class ByteWriter {
    /** In digest mode, byte arrays at least this long go straight to the digest, not through the buffer. */
    private static final int DIRECT_TO_DIGEST = 512;

    private byte[] buf;
    private int count;
    private final MessageDigest digest;

    ByteWriter(int expectedSize) {
        buf = new byte[Math.max(64, expectedSize)];
        digest = null;
    }

    /**
     * A writer that feeds {@code digest} instead of building an array: what it is given reaches
     * the digest in order, as the array would hold it, and large arrays without a copy.
     */
    ByteWriter(MessageDigest digest) {
        buf = new byte[4096];
        this.digest = digest;
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            if (digest != null) {
                flush();
                if (more <= buf.length) {
                    return;
                }
            }
            buf = java.util.Arrays.copyOf(buf, Math.max(count + more, buf.length * 2));
        }
    }

    /** In digest mode, hands the buffered bytes to the digest. */
    void flush() {
        if (digest != null && count > 0) {
            digest.update(buf, 0, count);
            count = 0;
        }
    }

    private void put(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    void u8(int v) {
        put(v);
    }

    void u16(int v) {
        put(v >>> 8);
        put(v);
    }

    void i32(int v) {
        put(v >>> 24);
        put(v >>> 16);
        put(v >>> 8);
        put(v);
    }

    void i64(long v) {
        i32((int) (v >>> 32));
        i32((int) v);
    }

    void f32(float v) {
        i32(Float.floatToRawIntBits(v));
    }

    /** Unsigned LEB128 of a non-negative int: 1 to 5 bytes. */
    void varint(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("varint of negative value " + v);
        }
        while ((v & ~0x7f) != 0) {
            put((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        put(v);
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, count, b.length);
        count += b.length;
    }

    void bytes(byte[] b) {
        bytes(b, 0, b.length);
    }

    void bytes(byte[] b, int offset, int length) {
        if (digest != null && length >= DIRECT_TO_DIGEST) {
            flush();
            digest.update(b, offset, length);
            return;
        }
        ensure(length);
        System.arraycopy(b, offset, buf, count, length);
        count += length;
    }

    /** The bytes written; no copy when the expected size was exact. */
    byte[] toByteArray() {
        if (digest != null) {
            throw new IllegalStateException("a digest writer has no array");
        }
        return count == buf.length ? buf : java.util.Arrays.copyOf(buf, count);
    }
}
