package dev.stemma.collector;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.RunIds;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A Stemma store: the RocksDB directory the collector writes and the analyzer reads. This is
 * the collector module's entry point for readers.
 *
 * <p>Records live in one column family per kind ({@link ColumnFamily}) under the keys of
 * {@link StoreKeys}: byte order is step order, so every trajectory is one range scan. Every
 * read method returns a {@link StoreIterator} that reads one record at a time (close it), or a
 * small value (the manifest, the end record, the list of runs or series). {@link #verify}
 * recomputes a run's hash chain; {@link #exportRun} copies one run into a new store.
 *
 * <p>Open read-only ({@link #openReadOnly}) to read a store while a collector writes it; a
 * read-only store sees the data as of when it was opened. A follower ({@link #openFollower})
 * also reads it while it is written, and sees the new records after each {@link #catchUp}.
 */
public final class TrajectoryStore implements AutoCloseable {
    private final StoreHandles handles;
    private final ReadOptions defaultRead;
    private final boolean follower;

    private TrajectoryStore(StoreHandles handles) {
        this(handles, false);
    }

    private TrajectoryStore(StoreHandles handles, boolean follower) {
        this.handles = handles;
        this.defaultRead = new ReadOptions();
        this.follower = follower;
    }

    /** Opens the store in {@code dir} for writing, creating it if missing; one writer per store. */
    public static TrajectoryStore open(Path dir) {
        return new TrajectoryStore(StoreHandles.open(dir, false));
    }

    /**
     * Opens an existing store for reading.
     *
     * @throws IllegalArgumentException if {@code dir} holds no store
     */
    public static TrajectoryStore openReadOnly(Path dir) {
        return new TrajectoryStore(StoreHandles.open(dir, true));
    }

    /**
     * Opens an existing store for reading while another process or thread writes it (a RocksDB
     * secondary instance): it sees the records written up to when it was opened, and those
     * written since after each {@link #catchUp}. RocksDB keeps the follower's own small files
     * (its info log) in {@code scratch}, a directory of the caller's, created if missing.
     * RocksDB's secondary instances have no snapshots for iterators, so a follower refuses
     * {@link #verify} and {@link #exportRun}: open the store read-only for those.
     *
     * @throws IllegalArgumentException if {@code dir} holds no store
     */
    public static TrajectoryStore openFollower(Path dir, Path scratch) {
        return new TrajectoryStore(StoreHandles.openFollower(dir, scratch), true);
    }

    /**
     * Brings a follower up to the records written so far. Call it between reads, with no
     * iterator of this store open. Only for a store from {@link #openFollower}.
     *
     * @throws IllegalStateException if the store is not a follower
     */
    public void catchUp() {
        if (!follower) {
            throw new IllegalStateException("store " + handles.dir() + " was not opened as a follower");
        }
        handles.catchUp();
    }

    /** A store over handles opened elsewhere (the export target); closing it closes them. */
    static TrajectoryStore over(StoreHandles handles) {
        return new TrajectoryStore(handles);
    }

    /** The store's directory. */
    public Path directory() {
        return handles.dir();
    }

    StoreHandles handles() {
        return handles;
    }

    /** Every run with a manifest, step or end record in the store, in key order. */
    public List<String> runs() {
        TreeSet<String> runs = new TreeSet<>(); // a few runs per store: a small set
        for (ColumnFamily cf : List.of(ColumnFamily.MANIFEST, ColumnFamily.METRICS, ColumnFamily.END)) {
            try (RocksIterator it = handles.db().newIterator(handles.cf(cf))) {
                for (it.seekToFirst(); it.isValid(); ) {
                    String run = StoreKeys.runOf(it.key());
                    runs.add(run);
                    it.seek(Keys.afterPrefix(StoreKeys.run(run)));
                }
            }
        }
        return new ArrayList<>(runs);
    }

    /** Whether the store holds any record of {@code runId}. */
    public boolean hasRun(String runId) {
        byte[] run = StoreKeys.run(RunIds.requireValid(runId));
        for (ColumnFamily cf : List.of(ColumnFamily.MANIFEST, ColumnFamily.METRICS, ColumnFamily.END)) {
            try (RocksIterator it = handles.db().newIterator(handles.cf(cf))) {
                it.seek(run);
                if (it.isValid() && Keys.startsWith(it.key(), run)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The run's manifest, if it was stored. */
    public Optional<RunManifest> manifest(String runId) {
        return single(ColumnFamily.MANIFEST, runId).map(r -> (RunManifest) r);
    }

    /** The run's end-of-run record, if it was stored (the run finished and the collector saw it). */
    public Optional<EndOfRun> endOfRun(String runId) {
        return single(ColumnFamily.END, runId).map(r -> (EndOfRun) r);
    }

    /**
     * Loss, learning rate and batch of each step in [fromStep, toStep), as step snapshots without
     * factors or activations.
     */
    public StoreIterator<StepSnapshot> metrics(String runId, long fromStep, long toStep) {
        byte[] run = requireRun(runId);
        return new RangeIterator<>(handles, ColumnFamily.METRICS, Keys.withStep(run, fromStep), Keys.withStep(run, toStep),
                (k, v) -> SnapshotAssembler.decodeMetrics(v));
    }

    /** The factor names of a run (every adapter tensor it recorded), in key order. */
    public List<String> factorNames(String runId) {
        requireRun(runId);
        return RunLayout.scan(handles, readOptionsDefault(), runId).factorNames();
    }

    /** The activation series of a run (probe, layer, timestep, conditioning, pooling), in key order. */
    public List<ActivationSeries> activationSeries(String runId) {
        requireRun(runId);
        return RunLayout.scan(handles, readOptionsDefault(), runId).series();
    }

    /** One factor's values at each step in [fromStep, toStep), in step order. */
    public StoreIterator<StepValue<Tensor>> factorTrajectory(String runId, String factorName, long fromStep, long toStep) {
        requireRun(runId);
        byte[] prefix = StoreKeys.factorPrefix(runId, factorName);
        return new RangeIterator<>(handles, ColumnFamily.FACTORS, Keys.withStep(prefix, fromStep), Keys.withStep(prefix, toStep),
                (k, v) -> new StepValue<>(StoreKeys.stepOf(k), RecordCodec.decodeTensor(v)));
    }

    /** Every factor of the run at one step (the adapter as it was then), in name order. */
    public StoreIterator<NamedTensor> factorsAt(String runId, long step) {
        List<String> names = factorNames(runId);
        return new StoreIterator<>() {
            private int i;
            private NamedTensor next = advance();

            private NamedTensor advance() {
                while (i < names.size()) {
                    String name = names.get(i++);
                    byte[] v = get(ColumnFamily.FACTORS, StoreKeys.factor(runId, name, step));
                    if (v != null) {
                        return new NamedTensor(name, decodeTensor(v, "factor " + name + " at step " + step));
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public NamedTensor next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                NamedTensor n = next;
                next = advance();
                return n;
            }

            @Override
            public void close() {
                i = names.size();
                next = null;
            }
        };
    }

    /** The trajectory of one activation series over [fromStep, toStep), in step order. */
    public StoreIterator<StepValue<Tensor>> activationTrajectory(String runId, int probeId, String layer, int timestep,
                                                                Conditioning conditioning, Pooling pooling,
                                                                long fromStep, long toStep) {
        requireRun(runId);
        byte[] prefix = StoreKeys.seriesPrefix(runId, probeId, layer, timestep, conditioning, pooling);
        return new RangeIterator<>(handles, ColumnFamily.ACTIVATIONS, Keys.withStep(prefix, fromStep),
                Keys.withStep(prefix, toStep), (k, v) -> new StepValue<>(StoreKeys.stepOf(k), RecordCodec.decodeTensor(v)));
    }

    /** The same, for an {@link ActivationSeries} from {@link #activationSeries}. */
    public StoreIterator<StepValue<Tensor>> activationTrajectory(String runId, ActivationSeries series, long fromStep, long toStep) {
        return activationTrajectory(runId, series.probeId(), series.layer(), series.timestep(), series.conditioning(),
                series.pooling(), fromStep, toStep);
    }

    /** Whole step snapshots of [fromStep, toStep), rebuilt from the store one step at a time. */
    public StoreIterator<StepSnapshot> snapshots(String runId, long fromStep, long toStep) {
        byte[] run = requireRun(runId);
        SnapshotAssembler assembler = new SnapshotAssembler(handles, readOptionsDefault(),
                RunLayout.scan(handles, readOptionsDefault(), runId));
        return new RangeIterator<>(handles, ColumnFamily.METRICS, Keys.withStep(run, fromStep), Keys.withStep(run, toStep),
                (k, v) -> assembler.assemble(StoreKeys.stepOf(k), v));
    }

    /**
     * Recomputes the run's hash chain from its stored records and compares it link by link.
     *
     * @throws IllegalArgumentException if the store has no such run
     */
    public VerifyReport verify(String runId) {
        requireNotFollower("verify");
        requireRun(runId);
        return new RunVerifier(handles).verify(runId, endOfRun(runId));
    }

    /**
     * Writes a consistent copy of one run (every record and chain link, from one RocksDB snapshot)
     * into a new store at {@code outDir}, and returns the copy's verification.
     *
     * @throws IllegalArgumentException if the run is unknown or {@code outDir} is a non-empty directory
     */
    public VerifyReport exportRun(String runId, Path outDir) {
        requireNotFollower("export");
        requireRun(runId);
        return new RunExporter(handles).export(runId, outDir);
    }

    @Override
    public void close() {
        defaultRead.close();
        handles.close();
    }

    /** Verify and export read one RocksDB snapshot; a secondary instance's iterators ignore snapshots. */
    private void requireNotFollower(String what) {
        if (follower) {
            throw new IllegalStateException("cannot " + what + " from a follower of store " + handles.dir()
                    + " (it has no consistent snapshot): open the store read-only");
        }
    }

    private byte[] requireRun(String runId) {
        if (!RunIds.isValid(runId) || !hasRun(runId)) {
            throw new IllegalArgumentException("unknown run '" + runId + "' in store " + handles.dir()
                    + " (runs: " + String.join(", ", runs()) + ")");
        }
        return StoreKeys.run(runId);
    }

    private Optional<StemmaRecord> single(ColumnFamily cf, String runId) {
        byte[] v = get(cf, StoreKeys.run(RunIds.requireValid(runId)));
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RecordCodec.decode(v));
        } catch (MalformedRecordException e) {
            throw new StoreException("store " + handles.dir() + ": the " + cf + " record of run " + runId
                    + " does not decode: " + e.getMessage(), e);
        }
    }

    private byte[] get(ColumnFamily cf, byte[] key) {
        try {
            return handles.db().get(handles.cf(cf), key);
        } catch (RocksDBException e) {
            throw handles.failure("reading " + cf, e);
        }
    }

    private Tensor decodeTensor(byte[] v, String what) {
        try {
            return RecordCodec.decodeTensor(v);
        } catch (MalformedRecordException e) {
            throw new StoreException("store " + handles.dir() + ": " + what + " does not decode: " + e.getMessage(), e);
        }
    }

    private ReadOptions readOptionsDefault() {
        return defaultRead;
    }
}
