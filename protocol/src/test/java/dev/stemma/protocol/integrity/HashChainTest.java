package dev.stemma.protocol.integrity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StepSnapshot;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashChainTest {

    @Test
    void shouldGiveSameDigestForSameSteps() {
        assertArrayEquals(chain(3, -1).digest(), chain(3, -1).digest());
    }

    @Test
    void shouldChangeDigestWhenOneByteChanges() {
        assertFalse(Arrays.equals(chain(3, -1).digest(), chain(3, 1).digest()));
    }

    @Test
    void shouldChangeDigestWhenAStepIsMissing() {
        HashChain full = chain(3, -1);
        HashChain missing = HashChain.start("r");
        missing.append(SampleRecords.step("r", 0, new Random(0)));
        missing.append(SampleRecords.step("r", 2, new Random(2)));
        assertFalse(Arrays.equals(full.digest(), missing.digest()));
    }

    @Test
    void shouldRefuseStepsOutOfOrder() {
        HashChain c = HashChain.start("r");
        c.append(SampleRecords.step("r", 5, new Random(5)));
        assertThrows(IllegalArgumentException.class, () -> c.append(SampleRecords.step("r", 4, new Random(4))));
    }

    @Test
    void shouldGiveSameLinksFromDigestsTakenApart() {
        HashChain whole = HashChain.start("r");
        HashChain fromDigests = HashChain.start("r");
        for (int s = 0; s < 3; s++) {
            StepSnapshot snap = SampleRecords.step("r", s, new Random(s));
            assertArrayEquals(whole.append(snap), fromDigests.appendDigest(s, HashChain.snapshotDigest(snap)), "link of step " + s);
        }
        assertThrows(IllegalArgumentException.class, () -> fromDigests.appendDigest(3, new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> fromDigests.appendDigest(2, new byte[32]));
    }

    @Test
    void shouldDependOnRunId() {
        assertFalse(Arrays.equals(HashChain.start("a").digest(), HashChain.start("b").digest()));
    }

    private static HashChain chain(int steps, int flipStep) {
        HashChain c = HashChain.start("r");
        for (int s = 0; s < steps; s++) {
            StepSnapshot snap = SampleRecords.step("r", s, new Random(s));
            byte[] bytes = RecordCodec.encode(snap);
            if (s == flipStep) {
                bytes[bytes.length - 1] ^= 1;
            }
            c.append(s, bytes);
        }
        return c;
    }

    @Test
    void shouldGiveSameDigestWhenResumedFromStoredLink() {
        HashChain whole = chain(3, -1);
        HashChain firstTwo = HashChain.start("r");
        firstTwo.append(SampleRecords.step("r", 0, new Random(0)));
        byte[] link = firstTwo.append(SampleRecords.step("r", 1, new Random(1)));
        HashChain resumed = HashChain.resume(link, 1);
        resumed.append(SampleRecords.step("r", 2, new Random(2)));
        assertArrayEquals(whole.digest(), resumed.digest());
        assertThrows(IllegalArgumentException.class, () -> resumed.append(SampleRecords.step("r", 2, new Random(2))));
    }

    /** append(snapshot) hashes the encoding as it is produced: the same links as hashing the encoded bytes. */
    @Test
    void shouldLinkAStreamedSnapshotAsItsEncodedBytes() throws Exception {
        HashChain streamed = HashChain.start("r");
        HashChain encoded = HashChain.start("r");
        Random random = new Random(3);
        for (long step = 0; step < 4; step++) {
            dev.stemma.protocol.StepSnapshot s = SampleRecords.step("r", step, random);
            byte[] bytes = dev.stemma.protocol.RecordCodec.encode(s);
            assertArrayEquals(encoded.append(step, bytes), streamed.append(s));
            // and from a record whose tensors share its bytes, as the collector decodes it
            dev.stemma.protocol.StepSnapshot shared =
                    (dev.stemma.protocol.StepSnapshot) dev.stemma.protocol.RecordCodec.decodeFiniteSharing(bytes);
            assertArrayEquals(HashChain.start("x").append(step, bytes), HashChain.start("x").append(shared));
        }
    }
}
