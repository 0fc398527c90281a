package dev.stemma.collector;

import java.util.Iterator;

/**
 * An iterator over stored records that holds a RocksDB iterator: read it in
 * try-with-resources. It reads one record at a time, so a whole run is never in memory.
 */
public interface StoreIterator<T> extends Iterator<T>, AutoCloseable {
    /** Releases the underlying RocksDB iterator; idempotent. */
    @Override
    void close();
}
