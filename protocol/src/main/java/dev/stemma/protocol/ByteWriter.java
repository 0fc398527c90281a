package dev.stemma.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Big-endian primitive writer for the record encoding. Not thread-safe. */
final class ByteWriter {
    private final ByteArrayOutputStream out;

    ByteWriter(int expectedSize) {
        out = new ByteArrayOutputStream(Math.max(64, expectedSize));
    }

    void u8(int v) {
        out.write(v);
    }

    void u16(int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    void i32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
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
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        out.write(b, 0, b.length);
    }

    void bytes(byte[] b) {
        out.write(b, 0, b.length);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
