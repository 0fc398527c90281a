package dev.stemma.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    @Test
    void shouldRoundTripManifest() throws Exception {
        RunManifest m = SampleRecords.manifest("run-1");
        assertEquals(m, RecordCodec.decode(RecordCodec.encode(m)));
    }

    @Test
    void shouldRoundTripStepSnapshotWithBothDtypes() throws Exception {
        StepSnapshot s = SampleRecords.step("run-1", 17, new Random(1));
        StepSnapshot back = (StepSnapshot) RecordCodec.decode(RecordCodec.encode(s));
        assertEquals(s, back);
        assertEquals(DType.FLOAT16, back.activations().get(1).values().dtype());
        assertArrayEquals(s.factors().get(0).value().toFloatArray(), back.factors().get(0).value().toFloatArray());
    }

    @Test
    void shouldRoundTripEndOfRun() throws Exception {
        EndOfRun e = SampleRecords.end("run-1", 500);
        assertEquals(e, RecordCodec.decode(RecordCodec.encode(e)));
    }

    @Test
    void shouldEncodeEqualSnapshotsToEqualBytesWhateverTheListOrder() {
        StepSnapshot s = SampleRecords.step("run-1", 3, new Random(7));
        StepSnapshot reordered = new StepSnapshot(s.runId(), s.step(), s.loss(), s.learningRate(), s.batch(),
                List.of(s.factors().get(1), s.factors().get(0)), List.of(s.activations().get(1), s.activations().get(0)));
        assertArrayEquals(RecordCodec.encode(s), RecordCodec.encode(reordered));
        assertEquals("down1.conv/lora_a", s.factors().get(0).name());
        assertEquals(0, s.activations().get(0).probeId());
    }

    @Test
    void shouldRoundTripTensorAlone() throws Exception {
        Tensor t = Tensor.float16(new int[] {2, 3}, new float[] {1, -2, 0.5f, 65504f, 1e-7f, 0});
        assertEquals(t, RecordCodec.decodeTensor(RecordCodec.encodeTensor(t)));
    }

    @Test
    void shouldRejectUnknownFormatVersion() {
        byte[] b = RecordCodec.encode(SampleRecords.end("r", 1));
        b[5] = 99;
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> RecordCodec.decode(b));
        assertEquals(MalformedRecordException.Reason.UNSUPPORTED_VERSION, e.reason());
    }

    @Test
    void shouldRejectTruncatedRecord() {
        byte[] b = RecordCodec.encode(SampleRecords.step("r", 1, new Random(2)));
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 1);
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> RecordCodec.decode(cut));
        assertEquals(MalformedRecordException.Reason.TRUNCATED, e.reason());
    }

    @Test
    void shouldRejectTrailingBytes() {
        byte[] b = RecordCodec.encode(SampleRecords.end("r", 1));
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
        assertEquals(MalformedRecordException.Reason.TRAILING_BYTES,
                assertThrows(MalformedRecordException.class, () -> RecordCodec.decode(longer)).reason());
    }

    @Test
    void shouldRejectForgedCountWithoutAllocatingIt() {
        // A step header, then a batch count of 2^31-1 with nothing behind it.
        ByteWriter w = new ByteWriter(64);
        w.bytes(new byte[] {'S', 'T', 'M', 'A'});
        w.u16(RecordCodec.FORMAT_VERSION);
        w.u8(2);
        w.string("run");
        w.i64(1);
        w.f32(0.5f);
        w.f32(0.1f);
        w.varint(Integer.MAX_VALUE);
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> RecordCodec.decode(w.toByteArray()));
        assertEquals(MalformedRecordException.Reason.TRUNCATED, e.reason());
    }

    @Test
    void shouldRejectForgedTensorShapeWithoutAllocatingIt() {
        ByteWriter w = new ByteWriter(64);
        w.u8(DType.FLOAT32.code());
        w.u8(4);
        for (int i = 0; i < 4; i++) {
            w.varint(1 << 20);
        }
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> RecordCodec.decodeTensor(w.toByteArray()));
        assertEquals(MalformedRecordException.Reason.TRUNCATED, e.reason());
    }

    @Test
    void shouldRejectDuplicateFactorNamesAsInvalidValue() {
        StepSnapshot s = SampleRecords.step("run", 1, new Random(3));
        byte[] b = RecordCodec.encode(s);
        // Rename the second factor to the first's name: both are 17 bytes long.
        String first = s.factors().get(0).name();
        String second = s.factors().get(1).name();
        assertEquals(first.length(), second.length());
        String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace(second, first);
        byte[] forged = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(MalformedRecordException.Reason.INVALID_VALUE,
                assertThrows(MalformedRecordException.class, () -> RecordCodec.decode(forged)).reason());
    }

    @Test
    void shouldRejectNonFiniteValuesOnlyWhenAskedTo() throws Exception {
        StepSnapshot s = SampleRecords.step("run", 1, new Random(4));
        float[] bad = new float[64];
        bad[3] = Float.NaN;
        StepSnapshot withNaN = s.withActivations(List.of(new ProbeActivation(5, "mid", 1, Conditioning.NULL_TOKEN,
                Pooling.GLOBAL_MEAN, Tensor.float32(new int[] {64}, bad))));
        byte[] b = RecordCodec.encode(withNaN);
        assertEquals(withNaN, RecordCodec.decode(b));
        assertEquals(MalformedRecordException.Reason.NON_FINITE,
                assertThrows(MalformedRecordException.class, () -> RecordCodec.decodeFinite(b)).reason());
    }

    /** The collector's decode shares the record's array; it must give the same record as the copying one. */
    @Test
    void shouldDecodeTheSameRecordWhenSharingTheBytes() throws MalformedRecordException {
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 5; i++) {
            StepSnapshot s = SampleRecords.step("run-" + i, i, random);
            byte[] bytes = RecordCodec.encode(s);
            StemmaRecord shared = RecordCodec.decodeFiniteSharing(bytes);
            org.junit.jupiter.api.Assertions.assertEquals(RecordCodec.decode(bytes), shared);
            org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, RecordCodec.encode(shared));
            StepSnapshot back = (StepSnapshot) shared;
            for (NamedTensor f : back.factors()) {
                byte[] viaBuffer = new byte[RecordCodec.encodedTensorSize(f.value())];
                RecordCodec.encodeTensor(f.value(), java.nio.ByteBuffer.wrap(viaBuffer));
                org.junit.jupiter.api.Assertions.assertArrayEquals(RecordCodec.encodeTensor(f.value()), viaBuffer);
                org.junit.jupiter.api.Assertions.assertArrayEquals(f.value().toByteArray(), RecordCodec.decodeTensor(viaBuffer).toByteArray());
                org.junit.jupiter.api.Assertions.assertEquals(f.value().data(), RecordCodec.decodeTensor(viaBuffer).data());
            }
        }
    }
}
