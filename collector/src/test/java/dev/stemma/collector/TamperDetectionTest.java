package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** Each kind of tampering with a stored run is found by verify, at the step it touched. */
class TamperDetectionTest {
    private static final String RUN = "tampered";

    @TempDir
    Path dir;

    private RunFixture run;

    @BeforeEach
    void storeCleanRun() {
        run = new RunFixture(RUN, 10);
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            StoreWriterTest.write(store, RunFixture.incoming(run.records()));
            assertTrue(store.verify(RUN).passed(), "the untouched run verifies");
        }
    }

    @Test
    void shouldDetectOneFlippedByteInStoredActivation() throws RocksDBException {
        ProbeActivation a = run.steps.get(5).activations().get(0);
        byte[] key = StoreKeys.activation(RUN, 5, a);
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            RocksDB db = store.handles().db();
            byte[] value = db.get(store.handles().cf(ColumnFamily.ACTIVATIONS), key);
            value[value.length - 3] ^= 0x10; // inside the tensor data: still decodes
            db.put(store.handles().cf(ColumnFamily.ACTIVATIONS), key, value);
            assertDetectedAt(store.verify(RUN), 5);
        }
    }

    @Test
    void shouldDetectDeletedFactorRecord() throws RocksDBException {
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            store.handles().db().delete(store.handles().cf(ColumnFamily.FACTORS),
                    StoreKeys.factor(RUN, "down1.conv/lora_b", 4));
            assertDetectedAt(store.verify(RUN), 4);
        }
    }

    @Test
    void shouldDetectDeletedStepRecord() throws RocksDBException {
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            store.handles().db().delete(store.handles().cf(ColumnFamily.METRICS), StoreKeys.step(RUN, 6));
            VerifyReport report = assertDetectedAt(store.verify(RUN), 6);
            assertTrue(report.firstMismatch().get().contains("missing"), report.firstMismatch().get());
        }
    }

    @Test
    void shouldDetectSwappedSteps() throws RocksDBException {
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            // Swap everything stored for steps 3 and 7: metrics, factors and activations.
            for (ColumnFamily cf : new ColumnFamily[] {ColumnFamily.METRICS, ColumnFamily.FACTORS, ColumnFamily.ACTIVATIONS}) {
                swap(store, cf, 3, 7);
            }
            assertDetectedAt(store.verify(RUN), 3);
        }
    }

    @Test
    void shouldDetectTamperingWhoseChainWasRecomputedByEndDigest() throws RocksDBException {
        // A tamperer who also recomputes the stored chain is still caught by the agent's end digest.
        try (TrajectoryStore store = TrajectoryStore.open(dir)) {
            RocksDB db = store.handles().db();
            db.delete(store.handles().cf(ColumnFamily.FACTORS), StoreKeys.factor(RUN, "down1.conv/lora_b", 8));
            dev.stemma.protocol.integrity.HashChain chain = dev.stemma.protocol.integrity.HashChain.start(RUN);
            try (StoreIterator<dev.stemma.protocol.StepSnapshot> it = store.snapshots(RUN, 0, Long.MAX_VALUE)) {
                while (it.hasNext()) {
                    dev.stemma.protocol.StepSnapshot s = it.next();
                    db.put(store.handles().cf(ColumnFamily.CHAIN), StoreKeys.step(RUN, s.step()), chain.append(s));
                }
            }
            VerifyReport report = store.verify(RUN);
            assertTrue(report.firstMismatch().isEmpty(), "the rewritten chain is self-consistent: " + report);
            assertFalse(report.passed());
            assertFalse(report.endDigestMatches());
            assertNotEquals(run.digestHex(), report.finalDigestHex());
        }
    }

    private static VerifyReport assertDetectedAt(VerifyReport report, long step) {
        assertFalse(report.passed(), "verify must fail: " + report);
        assertTrue(report.firstMismatch().isPresent(), report.toString());
        assertTrue(report.firstMismatch().get().startsWith("step " + step + ":"), report.firstMismatch().get());
        assertFalse(report.endDigestMatches(), "the recomputed digest differs from the agent's");
        return report;
    }

    private static void swap(TrajectoryStore store, ColumnFamily cf, long a, long b) throws RocksDBException {
        RocksDB db = store.handles().db();
        try (StoreIterator<byte[][]> it = new RangeIterator<>(store.handles(), cf, new byte[0], null, (k, v) -> new byte[][] {k, v})) {
            java.util.Map<String, byte[]> atA = new java.util.HashMap<>();
            java.util.Map<String, byte[]> atB = new java.util.HashMap<>();
            while (it.hasNext()) {
                byte[][] kv = it.next();
                long step = StoreKeys.stepOf(kv[0]);
                String series = new String(kv[0], 0, kv[0].length - 8, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (step == a) {
                    atA.put(series, kv[1]);
                } else if (step == b) {
                    atB.put(series, kv[1]);
                }
            }
            assertEquals(atA.keySet(), atB.keySet());
            for (String series : atA.keySet()) {
                byte[] prefix = series.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                db.put(store.handles().cf(cf), Keys.withStep(prefix, a), atB.get(series));
                db.put(store.handles().cf(cf), Keys.withStep(prefix, b), atA.get(series));
            }
        }
    }
}
