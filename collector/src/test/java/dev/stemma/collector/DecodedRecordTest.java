package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.integrity.HashChain;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodedRecordTest {

    @Test
    void shouldCarryAStepsChainDigestAndNoneForOtherRecords() {
        List<IncomingRecord> in = RunFixture.incoming(new RunFixture("r", 1).records()); // manifest, step 0, end

        DecodedRecord manifest = DecodedRecord.of(in.get(0));
        DecodedRecord step = DecodedRecord.of(in.get(1));

        assertInstanceOf(RunManifest.class, manifest.record());
        assertNull(manifest.stepDigest());
        StepSnapshot s = assertInstanceOf(StepSnapshot.class, step.record());
        assertArrayEquals(HashChain.snapshotDigest(s), step.stepDigest());
        assertNull(step.error());
    }

    @Test
    void shouldKeepWhyARecordDoesNotDecodeInsteadOfThrowing() {
        DecodedRecord bad = DecodedRecord.of(RunFixture.raw(new byte[] {1, 2, 3}));

        assertNull(bad.record());
        assertEquals(MalformedRecordException.Reason.BAD_MAGIC, bad.error().reason());
    }
}
