package dev.stemma.protocol;

import dev.stemma.protocol.MalformedRecordException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian primitive reader that checks every length against the bytes that remain before
 * it allocates anything, so a forged length is an error, never an out-of-memory.
 */
final class ByteReader {
    private final byte[] buf;
    private final boolean share;
    private int pos;

    ByteReader(byte[] buf) {
        this(buf, false);
    }

    /** With {@code share}, tensor data is returned as a view of {@code buf} instead of a copy. */
    ByteReader(byte[] buf, boolean share) {
        this.buf = buf;
        this.share = share;
    }

    int remaining() {
        return buf.length - pos;
    }

    private void need(int n, String what) throws MalformedRecordException {
        if (n < 0 || n > remaining()) {
            throw new MalformedRecordException(Reason.TRUNCATED,
                    what + " needs " + n + " bytes at offset " + pos + ", " + remaining() + " remain");
        }
    }

    int u8(String what) throws MalformedRecordException {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    int u16(String what) throws MalformedRecordException {
        need(2, what);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int i32(String what) throws MalformedRecordException {
        need(4, what);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long i64(String what) throws MalformedRecordException {
        long hi = i32(what) & 0xffffffffL;
        long lo = i32(what) & 0xffffffffL;
        return (hi << 32) | lo;
    }

    float f32(String what) throws MalformedRecordException {
        return Float.intBitsToFloat(i32(what));
    }

    int varint(String what) throws MalformedRecordException {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = u8(what);
            if (shift == 28 && (b & 0xf8) != 0) {
                throw new MalformedRecordException(Reason.INVALID_VALUE, what + " varint exceeds 2^31-1");
            }
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedRecordException(Reason.INVALID_VALUE, what + " varint longer than 5 bytes");
    }

    /**
     * A count of items that each take at least {@code minItemBytes}; rejected if the remaining
     * bytes cannot hold that many, so the caller may size a list by it safely.
     */
    int count(String what, int minItemBytes) throws MalformedRecordException {
        int n = varint(what + " count");
        if ((long) n * minItemBytes > remaining()) {
            throw new MalformedRecordException(Reason.TRUNCATED, what + " count " + n + " cannot fit in "
                    + remaining() + " remaining bytes");
        }
        return n;
    }

    String string(String what) throws MalformedRecordException {
        int len = varint(what + " length");
        need(len, what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len))
                    .toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw new MalformedRecordException(Reason.INVALID_VALUE, what + " is not valid UTF-8");
        }
    }

    /** The next {@code len} bytes as a tensor's data: a view of the buffer when sharing, else a copy. */
    Tensor tensor(DType dtype, int[] shape, int len, String what) throws MalformedRecordException {
        if (!share) {
            return Tensor.trusted(dtype, shape, bytes(len, what));
        }
        need(len, what);
        Tensor t = Tensor.trusted(dtype, shape, buf, pos, len);
        pos += len;
        return t;
    }

    byte[] bytes(int len, String what) throws MalformedRecordException {
        need(len, what);
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }
}
