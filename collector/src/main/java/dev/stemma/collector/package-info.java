/**
 * The collector and its store. Readers start at {@link dev.stemma.collector.TrajectoryStore}: open a
 * store, list runs, read a run's manifest and end record, and iterate trajectories (an activation
 * series, a factor, the metrics) over a step range without loading a run into memory; verify a
 * run's hash chain; export one run. {@link dev.stemma.collector.Collector} is the Kafka side:
 * consumer threads that write each poll into the store as one RocksDB WriteBatch (WAL on, synced
 * by default), send bad records to the dead-letter topic, then commit the poll's offsets.
 * {@link dev.stemma.collector.CollectorConfig} holds its settings and
 * {@link dev.stemma.collector.CollectorMetrics} its Prometheus metrics. Everything else here is
 * package-private: the write path ({@code StoreWriter}, {@code ShapeRegistry}), the RocksDB
 * lifecycle ({@code StoreHandles}), and verify and export ({@code RunVerifier}, {@code RunExporter}).
 */
package dev.stemma.collector;
