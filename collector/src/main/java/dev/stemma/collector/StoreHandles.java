package dev.stemma.collector;

import dev.stemma.protocol.store.ColumnFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The open RocksDB instance of one store with its options and one handle per
 * {@link ColumnFamily}: opened together, closed together in order (handles, db, options) and
 * idempotently, as Kafka Streams' RocksDBStore does.
 */
final class StoreHandles implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final long WRITE_BUFFER_BYTES = 64L << 20;
    /** Values this size and larger (tensors) are kept in blob files; smaller ones (metrics, chain links) in the SSTs. */
    private static final long MIN_BLOB_BYTES = 1024;

    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handleList;
    private final Map<ColumnFamily, ColumnFamilyHandle> handles;
    private final RocksDB db;
    private volatile boolean closed;

    private StoreHandles(Path dir, DBOptions dbOptions, ColumnFamilyOptions cfOptions, List<ColumnFamilyHandle> handleList,
                         RocksDB db) {
        this.dir = dir;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handleList = handleList;
        this.db = db;
        this.handles = new EnumMap<>(ColumnFamily.class);
        ColumnFamily[] kinds = ColumnFamily.values();
        for (int i = 0; i < kinds.length; i++) {
            handles.put(kinds[i], handleList.get(i + 1)); // index 0 is RocksDB's default family
        }
    }

    /**
     * Opens the store in {@code dir}. Read-write creates it if missing and takes RocksDB's lock
     * (one writer per store); read-only needs an existing store and takes no lock, so readers
     * can look at a store a collector is writing.
     */
    static StoreHandles open(Path dir, boolean readOnly) {
        return open(dir, readOnly, null);
    }

    /**
     * Opens the store in {@code dir} as a RocksDB secondary instance that keeps its own files in
     * {@code scratch}: read-only, no lock, and {@link #catchUp} brings in what the writer has
     * written since (its memtables through the WAL too). RocksDB wants every file kept open.
     */
    static StoreHandles openFollower(Path dir, Path scratch) {
        return open(dir, true, scratch);
    }

    private static StoreHandles open(Path dir, boolean readOnly, Path secondary) {
        if (readOnly && !Files.isRegularFile(dir.resolve("CURRENT"))) {
            throw new IllegalArgumentException("no Stemma store at " + dir + " (expected a RocksDB directory written by 'stemma collect')");
        }
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(4);
        if (secondary != null) {
            dbOptions.setMaxOpenFiles(-1);
        }
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                // Four memtables, not two: a write waited for a flush when the second one filled
                // while the first was still being flushed (bench collector at 300 MB).
                .setMaxWriteBufferNumber(4)
                // Tensors are float noise to a compressor (LZ4 saved nothing on them, see STYLE.md):
                // compressing would cost CPU on every flush and compaction for no space.
                .setCompressionType(CompressionType.NO_COMPRESSION)
                // Tensor values (4-8 KB and up) go to blob files at flush, so compaction moves keys
                // and blob references, not the tensors: it took a fifth of the collector's CPU in
                // bench collector (rocksdb:low), and a growing store would rewrite every tensor at
                // each level. Measured: ingest +7% to +14% (4 alternated pairs, 600 MB); a full
                // series scan is slower, 650 against 950 MB/s (500 MB of 4 KB values, read from the page cache).
                .setEnableBlobFiles(true)
                .setMinBlobSize(MIN_BLOB_BYTES)
                .setBlobFileSize(256L << 20)
                .setBlobCompressionType(CompressionType.NO_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (ColumnFamily cf : ColumnFamily.values()) {
            descriptors.add(new ColumnFamilyDescriptor(cf.storeName(), cfOptions));
        }
        List<ColumnFamilyHandle> handleList = new ArrayList<>();
        try {
            if (!readOnly) {
                Files.createDirectories(dir);
            }
            RocksDB db;
            if (secondary != null) {
                Files.createDirectories(secondary);
                db = RocksDB.openAsSecondary(dbOptions, dir.toString(), secondary.toString(), descriptors, handleList);
            } else {
                db = readOnly
                        ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handleList)
                        : RocksDB.open(dbOptions, dir.toString(), descriptors, handleList);
            }
            return new StoreHandles(dir, dbOptions, cfOptions, handleList, db);
        } catch (RocksDBException | java.io.IOException e) {
            handleList.forEach(ColumnFamilyHandle::close);
            cfOptions.close();
            dbOptions.close();
            throw new StoreException("cannot open store " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The database, after checking it is still open: a RocksDB call on a closed database crashes
     * the JVM, so a late caller gets a StoreException instead.
     */
    RocksDB db() {
        if (closed) {
            throw new StoreException("store " + dir + " is closed");
        }
        return db;
    }

    /** A follower ({@link #openFollower}) reads what the writer wrote since it last caught up. */
    void catchUp() {
        try {
            db().tryCatchUpWithPrimary();
        } catch (RocksDBException e) {
            throw failure("catching up with the writer", e);
        }
    }

    ColumnFamilyHandle cf(ColumnFamily family) {
        return handles.get(family);
    }

    Path dir() {
        return dir;
    }

    /** Wraps a RocksDB failure with this store's name and what was being done. */
    StoreException failure(String doing, RocksDBException e) {
        return new StoreException("store " + dir + ": " + doing + " failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        handleList.forEach(ColumnFamilyHandle::close);
        db.close(); // the field, not db(): closed is already set
        cfOptions.close();
        dbOptions.close();
    }
}
