package dev.stemma.protocol.store;

import java.nio.charset.StandardCharsets;

/** The column families of a Stemma store, one per record kind. */
public enum ColumnFamily {
    /** run -> encoded {@link dev.stemma.protocol.RunManifest}. */
    MANIFEST("manifest"),
    /** run | step -> encoded {@link dev.stemma.protocol.StepSnapshot} without factors or activations (loss, lr, batch). */
    METRICS("metrics"),
    /** run | factor name | step -> encoded tensor. */
    FACTORS("factors"),
    /** run | probe | layer | timestep | conditioning | grid | step -> encoded tensor. */
    ACTIVATIONS("activations"),
    /** run | step -> 32-byte hash-chain link after that step. */
    CHAIN("chain"),
    /** run -> encoded {@link dev.stemma.protocol.EndOfRun}. */
    END("end");

    private final String storeName;

    ColumnFamily(String storeName) {
        this.storeName = storeName;
    }

    /** The column family's name in RocksDB. */
    public byte[] storeName() {
        return storeName.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return storeName;
    }
}
