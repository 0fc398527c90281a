package dev.stemma.agent;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.StemmaRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A sink that keeps records in memory and can be held shut, to test the publisher's logic. */
final class InMemorySink implements RecordSink {
    private final List<byte[]> values = new ArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** While held, sends block, as a producer with a full buffer does. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    @Override
    public void send(byte[] key, byte[] value, Completion completion) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            completion.done(e);
            return;
        }
        synchronized (values) {
            values.add(value);
        }
        completion.done(null);
    }

    List<StemmaRecord> records() throws MalformedRecordException {
        List<StemmaRecord> out = new ArrayList<>();
        synchronized (values) {
            for (byte[] v : values) {
                out.add(RecordCodec.decode(v));
            }
        }
        return out;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
