package dev.stemma.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed input of three kinds, 10,000 of each: every one must decode to a record or to a
 * {@link MalformedRecordException}, never to any other throwable (out-of-memory included).
 */
class RecordCodecFuzzTest {
    private static final int CASES = 10_000;

    private final List<byte[]> valid = List.of(
            RecordCodec.encode(SampleRecords.manifest("fuzz-run")),
            RecordCodec.encode(SampleRecords.step("fuzz-run", 9, new Random(9))),
            RecordCodec.encode(SampleRecords.end("fuzz-run", 9)));

    @Test
    void shouldGiveValueOrTypedErrorForRandomBytes() {
        Random random = new Random(101);
        Outcomes o = new Outcomes();
        for (int i = 0; i < CASES; i++) {
            byte[] b = new byte[random.nextInt(256)];
            random.nextBytes(b);
            if (i % 2 == 0 && b.length >= 7) {
                // Half of them get a valid header, so the body parsers are exercised too.
                System.arraycopy(valid.get(i % 3), 0, b, 0, 7);
            }
            o.decode(b);
        }
        assertEquals(CASES, o.values + o.errors);
    }

    @Test
    void shouldGiveTypedErrorForEveryTruncation() {
        Random random = new Random(202);
        Outcomes o = new Outcomes();
        for (int i = 0; i < CASES; i++) {
            byte[] full = valid.get(i % 3);
            o.decode(Arrays.copyOf(full, random.nextInt(full.length)));
        }
        assertEquals(0, o.values, "a strict prefix of a record is never a record");
        assertEquals(CASES, o.errors);
    }

    @Test
    void shouldGiveValueOrTypedErrorForBitFlips() {
        Random random = new Random(303);
        Outcomes o = new Outcomes();
        for (int i = 0; i < CASES; i++) {
            byte[] b = valid.get(i % 3).clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int bit = random.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            o.decode(b);
        }
        assertEquals(CASES, o.values + o.errors);
        // Flips inside tensor data still decode; flips in headers and lengths must not.
        if (o.errors == 0 || o.values == 0) {
            fail("expected both outcomes among bit flips, got " + o.values + " values and " + o.errors + " errors");
        }
    }

    private static final class Outcomes {
        int values;
        int errors;

        void decode(byte[] b) {
            try {
                RecordCodec.decode(b);
                values++;
            } catch (MalformedRecordException e) {
                errors++;
            } catch (Throwable t) {
                fail("decoding " + b.length + " bytes threw " + t, t);
            }
        }
    }
}
