package dev.stemma.collector;

import java.util.List;

/**
 * What one {@link StoreWriter#write} did.
 *
 * @param manifests    manifests stored
 * @param steps        step snapshots stored
 * @param ends         end-of-run records stored
 * @param bytesWritten key and value bytes put into the store, chain links included
 * @param writeNanos   time of the RocksDB write of the batch
 * @param rejected     records refused, in input order
 */
record BatchOutcome(int manifests, int steps, int ends, long bytesWritten, long writeNanos, List<RejectedRecord> rejected) {
    BatchOutcome {
        rejected = List.copyOf(rejected);
    }
}
