package dev.stemma.collector;

import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Copies every record of one run, chain links included, from one RocksDB snapshot of the
 * source into a new store: an auditor's consistent copy, whatever the collector writes
 * meanwhile. The copy is then verified on its own.
 */
final class RunExporter {
    private static final long BATCH_BYTES = 32L << 20;

    private final StoreHandles source;

    RunExporter(StoreHandles source) {
        this.source = source;
    }

    VerifyReport export(String runId, Path outDir) {
        requireEmpty(outDir);
        byte[] run = StoreKeys.run(runId);
        Snapshot snapshot = source.db().getSnapshot();
        try (StoreHandles target = StoreHandles.open(outDir, false);
             ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot);
             WriteOptions writeOptions = new WriteOptions().setSync(true)) {
            for (ColumnFamily cf : ColumnFamily.values()) {
                copy(cf, run, readOptions, target, writeOptions);
            }
            try (TrajectoryStore copy = TrajectoryStore.over(target)) {
                return copy.verify(runId);
            }
        } finally {
            source.db().releaseSnapshot(snapshot);
        }
    }

    private void copy(ColumnFamily cf, byte[] run, ReadOptions readOptions, StoreHandles target, WriteOptions writeOptions) {
        try (RocksIterator it = source.db().newIterator(source.cf(cf), readOptions)) {
            WriteBatch batch = new WriteBatch();
            try {
                long bytes = 0;
                for (it.seek(run); it.isValid() && Keys.startsWith(it.key(), run); it.next()) {
                    byte[] k = it.key();
                    byte[] v = it.value();
                    batch.put(target.cf(cf), k, v);
                    bytes += k.length + v.length;
                    if (bytes >= BATCH_BYTES) {
                        target.db().write(writeOptions, batch);
                        batch.close();
                        batch = new WriteBatch();
                        bytes = 0;
                    }
                }
                target.db().write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw target.failure("copying " + cf, e);
            } finally {
                batch.close();
            }
        }
    }

    private static void requireEmpty(Path outDir) {
        if (Files.isRegularFile(outDir)) {
            throw new IllegalArgumentException("export target " + outDir + " is a file; expected a new or empty directory");
        }
        if (Files.isDirectory(outDir)) {
            try (Stream<Path> entries = Files.list(outDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("export target " + outDir + " is not empty; expected a new or empty directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + outDir, e);
            }
        }
    }
}
