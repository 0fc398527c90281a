package dev.stemma.collector;

import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.integrity.HashChain;
import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * Recomputes a run's hash chain from its stored records, in step order, and compares every
 * link with the stored one. Walks the metrics and chain column families side by side, so a
 * record without a link (added) and a link without a record (deleted) are both found; a
 * changed byte, a deleted tensor or two swapped steps change the recomputed link at the first
 * step they touch.
 */
final class RunVerifier {
    private final StoreHandles store;

    RunVerifier(StoreHandles store) {
        this.store = store;
    }

    VerifyReport verify(String runId, Optional<EndOfRun> end) {
        byte[] run = StoreKeys.run(runId);
        Snapshot snapshot = store.db().getSnapshot();
        try (ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot);
             RocksIterator records = store.db().newIterator(store.cf(ColumnFamily.METRICS), readOptions);
             RocksIterator links = store.db().newIterator(store.cf(ColumnFamily.CHAIN), readOptions)) {
            SnapshotAssembler assembler = new SnapshotAssembler(store, readOptions, RunLayout.scan(store, readOptions, runId));
            HashChain chain = HashChain.start(runId);
            String firstMismatch = null;
            long steps = 0;
            records.seek(run);
            links.seek(run);
            while (true) {
                long recordStep = Keys.isStepKeyOf(validKey(records), run) ? StoreKeys.stepOf(records.key()) : Long.MAX_VALUE;
                long linkStep = Keys.isStepKeyOf(validKey(links), run) ? StoreKeys.stepOf(links.key()) : Long.MAX_VALUE;
                if (recordStep == Long.MAX_VALUE && linkStep == Long.MAX_VALUE) {
                    break;
                }
                String problem = null;
                if (linkStep < recordStep) {
                    problem = "step " + linkStep + ": the metrics record is missing (its chain link is stored)";
                    links.next();
                } else {
                    steps++;
                    byte[] storedLink = recordStep == linkStep ? links.value() : null;
                    problem = check(runId, recordStep, records.value(), storedLink, assembler, chain);
                    records.next();
                    if (storedLink != null) {
                        links.next();
                    }
                }
                if (firstMismatch == null && problem != null) {
                    firstMismatch = problem;
                }
            }
            return new VerifyReport(runId, steps, Optional.ofNullable(firstMismatch), chain.digestHex(),
                    end.map(EndOfRun::finalDigestHex), end.map(EndOfRun::stepCount).orElse(-1L));
        } finally {
            store.db().releaseSnapshot(snapshot);
        }
    }

    private static byte[] validKey(RocksIterator it) {
        return it.isValid() ? it.key() : new byte[0];
    }

    /** Appends the stored step to the chain and says what is wrong with it, or null. */
    private static String check(String runId, long step, byte[] metricsValue, byte[] storedLink,
                                SnapshotAssembler assembler, HashChain chain) {
        StepSnapshot snapshot;
        try {
            snapshot = assembler.assemble(step, metricsValue);
        } catch (MalformedRecordException | IllegalArgumentException e) {
            // Keep the chain going over the raw metrics bytes so the final digest still reflects the store.
            chain.append(step, metricsValue);
            return "step " + step + ": a stored record does not decode (" + e.getMessage() + ")";
        }
        byte[] link = chain.append(step, RecordCodec.encode(snapshot));
        if (snapshot.step() != step || !snapshot.runId().equals(runId)) {
            return "step " + step + ": the metrics record stored there is step " + snapshot.step() + " of run "
                    + snapshot.runId() + " (records moved or swapped)";
        }
        if (storedLink == null) {
            return "step " + step + ": the record has no chain link (record added, or its link deleted)";
        }
        if (!Arrays.equals(link, storedLink)) {
            return "step " + step + ": stored records differ from the chain (recomputed link "
                    + HexFormat.of().formatHex(link, 0, 8) + "..., stored " + HexFormat.of().formatHex(storedLink, 0, 8)
                    + "...): a changed, deleted or reordered record";
        }
        return null;
    }
}
