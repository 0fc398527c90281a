package dev.stemma.collector;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.store.ColumnFamily;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** Iterates one key range [from, to) of one column family, decoding each entry as it is reached. */
final class RangeIterator<T> implements StoreIterator<T> {

    /** Turns one stored entry into a value. */
    @FunctionalInterface
    interface EntryDecoder<T> {
        T decode(byte[] key, byte[] value) throws MalformedRecordException;
    }

    private final StoreHandles store;
    private final ColumnFamily family;
    private final Slice upperBound;
    private final ReadOptions readOptions;
    private final RocksIterator iterator;
    private final EntryDecoder<T> decoder;
    private boolean closed;

    RangeIterator(StoreHandles store, ColumnFamily family, byte[] from, byte[] toExclusive, EntryDecoder<T> decoder) {
        this.store = store;
        this.family = family;
        this.decoder = decoder;
        this.upperBound = toExclusive == null ? null : new Slice(toExclusive);
        this.readOptions = new ReadOptions();
        if (upperBound != null) {
            readOptions.setIterateUpperBound(upperBound);
        }
        this.iterator = store.db().newIterator(store.cf(family), readOptions);
        iterator.seek(from);
    }

    @Override
    public boolean hasNext() {
        return !closed && iterator.isValid();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        byte[] key = iterator.key();
        byte[] value = iterator.value();
        iterator.next();
        try {
            return decoder.decode(key, value);
        } catch (MalformedRecordException | IllegalArgumentException e) {
            throw new StoreException("store " + store.dir() + ": a " + family + " record does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        iterator.close();
        readOptions.close();
        if (upperBound != null) {
            upperBound.close();
        }
    }
}
