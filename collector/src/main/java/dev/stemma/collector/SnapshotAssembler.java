package dev.stemma.collector;

import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.store.ColumnFamily;
import dev.stemma.protocol.store.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;

/**
 * Rebuilds a step snapshot from the store: the metrics record plus that step's factor and
 * activation tensors. The snapshot encodes to the bytes the agent sent (the encoding is
 * canonical), which is what the hash chain is computed over.
 */
final class SnapshotAssembler {
    private final StoreHandles store;
    private final ReadOptions readOptions;
    private final RunLayout layout;
    private final List<ColumnFamilyHandle> families = new ArrayList<>();
    private final List<byte[]> seriesPrefixes = new ArrayList<>();

    SnapshotAssembler(StoreHandles store, ReadOptions readOptions, RunLayout layout) {
        this.store = store;
        this.readOptions = readOptions;
        this.layout = layout;
        for (String name : layout.factorNames()) {
            families.add(store.cf(ColumnFamily.FACTORS));
            seriesPrefixes.add(StoreKeys.factorPrefix(layout.runId(), name));
        }
        for (ActivationSeries s : layout.series()) {
            families.add(store.cf(ColumnFamily.ACTIVATIONS));
            seriesPrefixes.add(RunLayout.prefix(layout.runId(), s));
        }
    }

    /** The metrics part of a step: the step record without factors or activations. */
    static StepSnapshot decodeMetrics(byte[] value) throws MalformedRecordException {
        StemmaRecord r = RecordCodec.decode(value);
        if (!(r instanceof StepSnapshot s)) {
            throw new MalformedRecordException(MalformedRecordException.Reason.UNKNOWN_TYPE,
                    "a metrics record holds a " + r.getClass().getSimpleName());
        }
        return s;
    }

    /**
     * The snapshot of {@code step}, given its stored metrics value.
     *
     * @throws MalformedRecordException if a stored value no longer decodes
     */
    StepSnapshot assemble(long step, byte[] metricsValue) throws MalformedRecordException {
        StepSnapshot metrics = decodeMetrics(metricsValue);
        List<byte[]> keys = new ArrayList<>(seriesPrefixes.size());
        for (byte[] prefix : seriesPrefixes) {
            keys.add(Keys.withStep(prefix, step));
        }
        List<byte[]> values;
        try {
            values = keys.isEmpty() ? List.of() : store.db().multiGetAsList(readOptions, families, keys);
        } catch (RocksDBException e) {
            throw store.failure("reading step " + step + " of run " + layout.runId(), e);
        }
        int nFactors = layout.factorNames().size();
        List<NamedTensor> factors = new ArrayList<>();
        List<ProbeActivation> activations = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i);
            if (v == null) {
                continue;
            }
            if (i < nFactors) {
                factors.add(new NamedTensor(layout.factorNames().get(i), RecordCodec.decodeTensor(v)));
            } else {
                ActivationSeries s = layout.series().get(i - nFactors);
                activations.add(new ProbeActivation(s.probeId(), s.layer(), s.timestep(), s.conditioning(), s.pooling(),
                        RecordCodec.decodeTensor(v)));
            }
        }
        return new StepSnapshot(metrics.runId(), metrics.step(), metrics.loss(), metrics.learningRate(), metrics.batch(),
                factors, activations);
    }
}
