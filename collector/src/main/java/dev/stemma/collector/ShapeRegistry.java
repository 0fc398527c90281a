package dev.stemma.collector;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.store.ColumnFamily;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.RocksIterator;

/**
 * The shape each tensor series (a factor, an activation series) was first stored with: a step
 * whose tensor has another dtype or shape is a bad record. Remembers shapes it has seen and
 * reads a series' first stored tensor on a miss; shared by the consumer threads of one store.
 */
final class ShapeRegistry {
    /** Above this many series the memory is dropped and refilled from the store on demand. */
    private static final int MAX_REMEMBERED = 200_000;

    private final StoreHandles store;
    private final Map<String, String> shapes = new ConcurrentHashMap<>();

    ShapeRegistry(StoreHandles store) {
        this.store = store;
    }

    /** A tensor's dtype and shape as one comparable string, e.g. {@code FLOAT32[16, 8]}. */
    static String describe(Tensor t) {
        return t.dtype() + Arrays.toString(t.shape());
    }

    /** The shape the series with this key prefix was first stored with, or null if it has no record yet. */
    String firstStored(ColumnFamily family, byte[] seriesPrefix) {
        String id = id(family, seriesPrefix);
        String known = shapes.get(id);
        if (known != null) {
            return known;
        }
        try (RocksIterator it = store.db().newIterator(store.cf(family))) {
            it.seek(seriesPrefix);
            if (it.isValid() && Keys.isStepKeyOf(it.key(), seriesPrefix)) {
                try {
                    String shape = describe(RecordCodec.decodeTensor(it.value()));
                    remember(id, shape);
                    return shape;
                } catch (MalformedRecordException e) {
                    throw new StoreException("store " + store.dir() + ": a stored " + family + " tensor does not decode: "
                            + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    /** Records the shape of a series' first accepted tensor (no-op if one is known). */
    void accept(ColumnFamily family, byte[] seriesPrefix, String shape) {
        if (!shapes.containsKey(id(family, seriesPrefix))) {
            remember(id(family, seriesPrefix), shape);
        }
    }

    private void remember(String id, String shape) {
        if (shapes.size() >= MAX_REMEMBERED) {
            shapes.clear();
        }
        shapes.putIfAbsent(id, shape);
    }

    private static String id(ColumnFamily family, byte[] prefix) {
        return family.ordinal() + ":" + new String(prefix, StandardCharsets.ISO_8859_1);
    }
}
