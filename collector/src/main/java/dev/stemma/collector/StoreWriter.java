package dev.stemma.collector;

import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.MalformedRecordException.Reason;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.integrity.HashChain;
import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Turns one batch of {@link DecodedRecord}s into one RocksDB {@link WriteBatch}: each record
 * checked (it decoded, and its shapes agree with the manifest and with the series' first stored
 * tensor), split by kind into its column family under its deterministic key, and the run's
 * chain links extended from the steps' digests. Bad records are returned, not stored. Not
 * thread-safe: one per consumer.
 *
 * <p>Chain links are computed from the greatest stored link before the batch's first step of a
 * run, then over that run's steps in step order; stored steps after it that the batch does not
 * rewrite are rebuilt from the store and re-linked. A redelivered batch therefore writes the
 * same links again, and a step that arrives late re-links the steps after it.
 */
final class StoreWriter implements AutoCloseable {
    private final StoreHandles store;
    private final ShapeRegistry shapes;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions = new ReadOptions();
    private final Map<String, RunManifest> manifests = new HashMap<>();
    /** One batch for the writer's life, cleared after each write: its buffer is not allocated and faulted in per poll. */
    private WriteBatch batch;
    /** Direct buffers for tensor puts: RocksDB copies a direct buffer into the batch without a JNI array copy. */
    private ByteBuffer keyBuffer = ByteBuffer.allocateDirect(256);
    private ByteBuffer valueBuffer = ByteBuffer.allocateDirect(64 << 10);

    /**
     * @param syncWrites whether each batch's WAL write is fsynced before the write returns (and
     *                   so before offsets are committed)
     */
    StoreWriter(StoreHandles store, ShapeRegistry shapes, boolean syncWrites) {
        this.store = store;
        this.shapes = shapes;
        this.writeOptions = new WriteOptions().setSync(syncWrites).setDisableWAL(false);
    }

    /** Writes one batch: the records that pass every check, with their chain links; returns what was written and refused. */
    BatchOutcome write(List<DecodedRecord> records) {
        List<RejectedRecord> rejected = new ArrayList<>();
        // per run, the digests of the batch's steps by step
        Map<String, NavigableMap<Long, byte[]>> pendingSteps = new HashMap<>();
        int nManifests = 0;
        int nSteps = 0;
        int nEnds = 0;
        long bytes = 0;
        if (batch == null) {
            long incoming = 0;
            for (DecodedRecord in : records) {
                incoming += in.incoming().size() + 256;
            }
            // Reserve the first batch's buffer up front: growing a many-MB batch by doubling copied it several times.
            batch = new WriteBatch((int) Math.min(incoming, Integer.MAX_VALUE - 8));
        }
        try {
            for (DecodedRecord in : records) {
                StemmaRecord record = in.record();
                try {
                    if (in.error() != null) {
                        throw in.error();
                    }
                    if (record instanceof StepSnapshot s) {
                        checkShapes(s);
                    }
                } catch (MalformedRecordException e) {
                    rejected.add(new RejectedRecord(in.incoming(), e.reason(), e.getMessage()));
                    continue;
                }
                if (record instanceof RunManifest m) {
                    bytes += put(batch, ColumnFamily.MANIFEST, StoreKeys.run(m.runId()), RecordCodec.encode(m));
                    manifests.put(m.runId(), m);
                    nManifests++;
                } else if (record instanceof EndOfRun e) {
                    bytes += put(batch, ColumnFamily.END, StoreKeys.run(e.runId()), RecordCodec.encode(e));
                    nEnds++;
                } else {
                    StepSnapshot s = (StepSnapshot) record;
                    bytes += putStep(batch, s);
                    pendingSteps.computeIfAbsent(s.runId(), r -> new TreeMap<>()).put(s.step(), in.stepDigest());
                    nSteps++;
                }
            }
            for (Map.Entry<String, NavigableMap<Long, byte[]>> run : pendingSteps.entrySet()) {
                bytes += link(batch, run.getKey(), run.getValue());
            }
            long start = System.nanoTime();
            if (batch.count() > 0) {
                store.db().write(writeOptions, batch);
            }
            long writeNanos = System.nanoTime() - start;
            return new BatchOutcome(nManifests, nSteps, nEnds, bytes, writeNanos, rejected);
        } catch (RocksDBException e) {
            throw store.failure("writing a batch of " + records.size() + " records", e);
        } finally {
            batch.clear();
        }
    }

    private void checkShapes(StepSnapshot s) throws MalformedRecordException {
        RunManifest manifest = manifest(s.runId());
        List<byte[]> newPrefixes = new ArrayList<>();
        List<ColumnFamily> newFamilies = new ArrayList<>();
        List<String> newShapes = new ArrayList<>();
        for (NamedTensor f : s.factors()) {
            String actual = ShapeRegistry.describe(f.value());
            RunManifest.TensorShape declared = manifest == null ? null : declared(manifest, f.name());
            if (declared != null && !declared.matches(f.value())) {
                throw new MalformedRecordException(Reason.SHAPE_MISMATCH, "step " + s.step() + " factor " + f.name()
                        + " is " + actual + ", the manifest declares " + declared);
            }
            byte[] prefix = StoreKeys.factorPrefix(s.runId(), f.name());
            check(s, "factor " + f.name(), ColumnFamily.FACTORS, prefix, actual, newPrefixes, newFamilies, newShapes);
        }
        for (ProbeActivation a : s.activations()) {
            byte[] prefix = StoreKeys.seriesPrefix(s.runId(), a.probeId(), a.layer(), a.timestep(), a.conditioning(), a.pooling());
            check(s, "probe " + a.probeId() + " layer " + a.layer() + " timestep " + a.timestep() + " " + a.conditioning(),
                    ColumnFamily.ACTIVATIONS, prefix, ShapeRegistry.describe(a.values()), newPrefixes, newFamilies, newShapes);
        }
        for (int i = 0; i < newPrefixes.size(); i++) {
            shapes.accept(newFamilies.get(i), newPrefixes.get(i), newShapes.get(i));
        }
    }

    private void check(StepSnapshot s, String what, ColumnFamily family, byte[] prefix, String actual,
                       List<byte[]> newPrefixes, List<ColumnFamily> newFamilies, List<String> newShapes)
            throws MalformedRecordException {
        String first = shapes.firstStored(family, prefix);
        if (first == null) {
            newPrefixes.add(prefix);
            newFamilies.add(family);
            newShapes.add(actual);
        } else if (!first.equals(actual)) {
            throw new MalformedRecordException(Reason.SHAPE_MISMATCH, "step " + s.step() + " " + what + " is " + actual
                    + ", the series was first stored as " + first);
        }
    }

    private static RunManifest.TensorShape declared(RunManifest manifest, String name) {
        for (RunManifest.TensorShape t : manifest.factorShapes()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private RunManifest manifest(String runId) throws MalformedRecordException {
        RunManifest known = manifests.get(runId);
        if (known != null) {
            return known;
        }
        byte[] stored;
        try {
            stored = store.db().get(store.cf(ColumnFamily.MANIFEST), StoreKeys.run(runId));
        } catch (RocksDBException e) {
            throw store.failure("reading the manifest of run " + runId, e);
        }
        if (stored == null) {
            return null; // checked against the series' first shapes only
        }
        RunManifest m = (RunManifest) RecordCodec.decode(stored);
        if (manifests.size() > 1024) {
            manifests.clear();
        }
        manifests.put(runId, m);
        return m;
    }

    private long putStep(WriteBatch batch, StepSnapshot s) throws RocksDBException {
        long bytes = put(batch, ColumnFamily.METRICS, StoreKeys.step(s.runId(), s.step()),
                RecordCodec.encode(new StepSnapshot(s.runId(), s.step(), s.loss(), s.learningRate(), s.batch(), List.of(), List.of())));
        for (NamedTensor f : s.factors()) {
            bytes += putTensor(batch, ColumnFamily.FACTORS, StoreKeys.factor(s.runId(), f.name(), s.step()), f.value());
        }
        for (ProbeActivation a : s.activations()) {
            bytes += putTensor(batch, ColumnFamily.ACTIVATIONS, StoreKeys.activation(s.runId(), s.step(), a), a.values());
        }
        return bytes;
    }

    /** Puts {@code RecordCodec.encodeTensor(tensor)} under {@code key}, encoded straight into a direct buffer. */
    private long putTensor(WriteBatch batch, ColumnFamily family, byte[] key, Tensor tensor) throws RocksDBException {
        int size = RecordCodec.encodedTensorSize(tensor);
        if (valueBuffer.capacity() < size) {
            valueBuffer = ByteBuffer.allocateDirect(Math.max(size, valueBuffer.capacity() * 2));
        }
        if (keyBuffer.capacity() < key.length) {
            keyBuffer = ByteBuffer.allocateDirect(Math.max(key.length, keyBuffer.capacity() * 2));
        }
        valueBuffer.clear();
        RecordCodec.encodeTensor(tensor, valueBuffer);
        valueBuffer.flip();
        keyBuffer.clear();
        keyBuffer.put(key).flip();
        batch.put(store.cf(family), keyBuffer, valueBuffer);
        return key.length + size;
    }

    /**
     * Puts the chain links of a run's pending steps (their snapshot digests by step), and of stored
     * steps after them, into the batch.
     */
    private long link(WriteBatch batch, String runId, NavigableMap<Long, byte[]> pending) throws RocksDBException {
        byte[] run = StoreKeys.run(runId);
        long first = pending.firstKey();
        HashChain chain = HashChain.start(runId);
        if (first > 0) {
            try (RocksIterator it = store.db().newIterator(store.cf(ColumnFamily.CHAIN), readOptions)) {
                it.seekForPrev(Keys.withStep(run, first - 1));
                if (it.isValid() && Keys.isStepKeyOf(it.key(), run)) {
                    chain = HashChain.resume(it.value(), StoreKeys.stepOf(it.key()));
                }
            }
        }
        long bytes = 0;
        SnapshotAssembler assembler = null;
        try (RocksIterator stored = store.db().newIterator(store.cf(ColumnFamily.METRICS), readOptions)) {
            stored.seek(Keys.withStep(run, first));
            Long next = pending.isEmpty() ? null : first;
            while (true) {
                long storedStep = stored.isValid() && Keys.isStepKeyOf(stored.key(), run) ? StoreKeys.stepOf(stored.key()) : Long.MAX_VALUE;
                long pendingStep = next == null ? Long.MAX_VALUE : next;
                if (storedStep == Long.MAX_VALUE && pendingStep == Long.MAX_VALUE) {
                    break;
                }
                byte[] link;
                long step;
                if (pendingStep <= storedStep) {
                    step = pendingStep;
                    link = chain.appendDigest(step, pending.get(step));
                    next = pending.higherKey(step);
                    if (storedStep == pendingStep) {
                        stored.next();
                    }
                } else {
                    // A stored step after a late one: rebuild it and re-link it.
                    step = storedStep;
                    if (assembler == null) {
                        assembler = new SnapshotAssembler(store, readOptions, RunLayout.scan(store, readOptions, runId));
                    }
                    try {
                        link = chain.append(assembler.assemble(step, stored.value()));
                    } catch (MalformedRecordException e) {
                        throw new StoreException("store " + store.dir() + ": stored step " + step + " of run " + runId
                                + " does not decode while re-linking the chain: " + e.getMessage(), e);
                    }
                    stored.next();
                }
                bytes += put(batch, ColumnFamily.CHAIN, StoreKeys.step(runId, step), link);
            }
        }
        return bytes;
    }

    private long put(WriteBatch batch, ColumnFamily family, byte[] key, byte[] value) throws RocksDBException {
        batch.put(store.cf(family), key, value);
        return key.length + value.length;
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.close();
        }
        readOptions.close();
        writeOptions.close();
    }
}
