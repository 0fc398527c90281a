package dev.stemma.cli;

import dev.stemma.collector.Collector;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.collector.TrajectoryStore;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A collector in this process, writing into a store while a command (train, demo) produces
 * records: what {@code train} runs when no {@code --bootstrap-servers} is given, so that one
 * command leaves a complete store behind.
 */
final class EmbeddedCollector implements AutoCloseable {
    private static CollectorMetrics metrics;

    private final TrajectoryStore store;
    private final Collector collector;

    private EmbeddedCollector(TrajectoryStore store, Collector collector) {
        this.store = store;
        this.collector = collector;
    }

    static EmbeddedCollector start(Path storeDir, String bootstrapServers) throws Exception {
        TrajectoryStore store = TrajectoryStore.open(storeDir);
        try {
            CollectorConfig config = CollectorConfig.defaults(bootstrapServers)
                    .withInstanceId(CollectCommand.defaultInstanceId(storeDir));
            Collector collector = new Collector(config, store, metricsOnce());
            collector.start();
            return new EmbeddedCollector(store, collector);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static synchronized CollectorMetrics metricsOnce() {
        if (metrics == null) {
            metrics = new CollectorMetrics(CollectorRegistry.defaultRegistry);
        }
        return metrics;
    }

    /**
     * Waits until the run's end-of-run record is in the store, which the collector writes after
     * every step of the run (one partition keeps a run's records in order).
     */
    void awaitEndOfRun(String runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (store.endOfRun(runId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the collector did not store the end of run " + runId + " within "
                        + timeout.toSeconds() + " s; the records are in Kafka, 'stemma collect' can finish the store");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            collector.shutdown();
            collector.awaitTermination(Duration.ofSeconds(60));
        } finally {
            store.close();
        }
    }
}
