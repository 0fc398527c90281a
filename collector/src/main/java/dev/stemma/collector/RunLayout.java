package dev.stemma.collector;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * The factor names and activation series a run has in the store, found by skipping from one
 * series to the next (one seek per series, not one read per record).
 */
record RunLayout(String runId, List<String> factorNames, List<ActivationSeries> series) {

    RunLayout {
        factorNames = List.copyOf(factorNames);
        series = List.copyOf(series);
    }

    static RunLayout scan(StoreHandles store, ReadOptions readOptions, String runId) {
        byte[] run = StoreKeys.run(runId);
        List<String> names = new ArrayList<>();
        try (RocksIterator it = store.db().newIterator(store.cf(ColumnFamily.FACTORS), readOptions)) {
            for (it.seek(run); it.isValid() && Keys.startsWith(it.key(), run); ) {
                String name = StoreKeys.factorNameOf(it.key());
                names.add(name);
                it.seek(Keys.afterSeries(StoreKeys.factorPrefix(runId, name)));
            }
        }
        List<ActivationSeries> series = new ArrayList<>();
        try (RocksIterator it = store.db().newIterator(store.cf(ColumnFamily.ACTIVATIONS), readOptions)) {
            for (it.seek(run); it.isValid() && Keys.startsWith(it.key(), run); ) {
                StoreKeys.ActivationKey k;
                try {
                    k = StoreKeys.parseActivation(it.key());
                } catch (MalformedRecordException e) {
                    throw new StoreException("store " + store.dir() + ": an activation key of run " + runId
                            + " does not parse: " + e.getMessage(), e);
                }
                ActivationSeries s = new ActivationSeries(k.probeId(), k.layer(), k.timestep(), k.conditioning(), k.pooling());
                series.add(s);
                it.seek(Keys.afterSeries(prefix(runId, s)));
            }
        }
        return new RunLayout(runId, names, series);
    }

    static byte[] prefix(String runId, ActivationSeries s) {
        return StoreKeys.seriesPrefix(runId, s.probeId(), s.layer(), s.timestep(), s.conditioning(), s.pooling());
    }
}
