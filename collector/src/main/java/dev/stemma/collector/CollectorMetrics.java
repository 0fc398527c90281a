package dev.stemma.collector;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The collector's Prometheus metrics, registered on the registry given (the default one for
 * the {@code collect} command). Labels are bounded: record kind and dead-letter reason, never
 * a run id or a step.
 */
public final class CollectorMetrics {
    private final Counter recordsWritten;
    private final Counter bytesWritten;
    private final Counter deadLetters;
    private final Gauge consumerLag;
    private final Histogram writeLatency;

    public CollectorMetrics(CollectorRegistry registry) {
        recordsWritten = Counter.build().name("stemma_collector_records_written_total")
                .help("Records stored, by kind (manifest, step, end).").labelNames("kind").register(registry);
        bytesWritten = Counter.build().name("stemma_collector_bytes_written_total")
                .help("Key and value bytes put into the store, chain links included.").register(registry);
        deadLetters = Counter.build().name("stemma_collector_dead_letters_total")
                .help("Records refused and sent to the dead-letter topic, by reason.").labelNames("reason").register(registry);
        consumerLag = Gauge.build().name("stemma_collector_consumer_lag_records")
                .help("Records on the assigned partitions not yet read, summed over partitions.").register(registry);
        writeLatency = Histogram.build().name("stemma_collector_write_latency_seconds")
                .help("Time of one RocksDB WriteBatch write (one poll).")
                .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                .register(registry);
    }

    void recorded(BatchOutcome outcome) {
        recordsWritten.labels("manifest").inc(outcome.manifests());
        recordsWritten.labels("step").inc(outcome.steps());
        recordsWritten.labels("end").inc(outcome.ends());
        bytesWritten.inc(outcome.bytesWritten());
        writeLatency.observe(outcome.writeNanos() / 1e9);
        for (RejectedRecord r : outcome.rejected()) {
            deadLetters.labels(r.reason().name()).inc();
        }
    }

    void lag(long records) {
        consumerLag.set(records);
    }

    /** Records refused so far, over all reasons. */
    public double deadLetterCount() {
        return deadLetters.collect().get(0).samples.stream()
                .filter(s -> s.name.endsWith("_total")).mapToDouble(s -> s.value).sum();
    }

    /** Step snapshots stored so far. */
    public double stepsWritten() {
        return recordsWritten.labels("step").get();
    }

    /** Bytes put into the store so far. */
    public double bytesWritten() {
        return bytesWritten.get();
    }
}
