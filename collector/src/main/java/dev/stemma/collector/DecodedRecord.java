package dev.stemma.collector;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.integrity.HashChain;

/**
 * A record off the topic after the checks that need nothing but the record: decoded (known
 * version, finite values) and, for a step snapshot, the digest its chain link is built from. Made
 * on the consumer thread as records are polled, so the writer thread, which the collector's
 * throughput waits on, only checks shapes, builds the batch and links the chain.
 *
 * @param incoming   the record as it came off the topic
 * @param record     the decoded record; null when {@code error} is set
 * @param stepDigest {@link HashChain#snapshotDigest} of a step snapshot; null for other records
 * @param error      why the record does not decode; null when it does
 */
record DecodedRecord(IncomingRecord incoming, StemmaRecord record, byte[] stepDigest, MalformedRecordException error) {

    static DecodedRecord of(IncomingRecord incoming) {
        try {
            // The value is this poll's own array and is never changed: the tensors can share it.
            StemmaRecord record = RecordCodec.decodeFiniteSharing(incoming.value());
            byte[] digest = record instanceof StepSnapshot s ? HashChain.snapshotDigest(s) : null;
            return new DecodedRecord(incoming, record, digest, null);
        } catch (MalformedRecordException e) {
            return new DecodedRecord(incoming, null, null, e);
        }
    }
}
