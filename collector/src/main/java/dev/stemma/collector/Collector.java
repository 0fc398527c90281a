package dev.stemma.collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The collector: Kafka consumer threads of one consumer group that write each poll into a
 * {@link TrajectoryStore} as one RocksDB WriteBatch (WAL on), then commit the poll's offsets.
 * Keys are deterministic, so a poll read twice after a crash overwrites itself: nothing is lost,
 * nothing doubled. Bad records go to the dead-letter topic. Several collectors (threads, or
 * processes with their own stores) in one group share the topic's partitions.
 *
 * <p>{@link #shutdown()} is graceful: it sets a flag and wakes each consumer; the batch being
 * written is finished and committed, then consumers close. {@link #run()} returns once all
 * consumers have closed, and rethrows the first fatal error of any of them. The caller closes
 * the store afterwards.
 */
public final class Collector {
    private final CollectorConfig config;
    private final TrajectoryStore store;
    private final CollectorMetrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final List<ConsumerLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AtomicLong> lags = new ArrayList<>();

    public Collector(CollectorConfig config, TrajectoryStore store, CollectorMetrics metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
    }

    /** Starts the consumer threads and returns. */
    public synchronized void start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("collector already started");
        }
        ShapeRegistry shapes = new ShapeRegistry(store.handles());
        for (int i = 0; i < config.consumers(); i++) {
            AtomicLong lag = new AtomicLong();
            lags.add(lag);
            StoreWriter writer = new StoreWriter(store.handles(), shapes, config.syncWrites());
            ConsumerLoop loop = new ConsumerLoop(config, i, writer, metrics, closing, lag, this::reportLag);
            loops.add(loop);
            Thread t = new Thread(() -> runLoop(loop), config.clientId() + "-" + i);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** Starts (if not started) and blocks until every consumer has closed; rethrows a fatal error. */
    public void run() throws InterruptedException {
        synchronized (this) {
            if (threads.isEmpty()) {
                start();
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        Throwable t = fatal.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** Asks every consumer to finish its batch, commit and close; returns at once. */
    public void shutdown() {
        closing.set(true);
        synchronized (this) {
            loops.forEach(ConsumerLoop::wakeup);
        }
    }

    /** Waits up to {@code timeout} for the consumers to close; true if they did. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The Kafka consumer settings the collector's consumers use (fetch sizes, poll size, manual
     * commits), so that a baseline consumer in a benchmark reads under the same settings.
     */
    public static java.util.Properties consumerProperties(CollectorConfig config) {
        return ConsumerLoop.consumerProperties(config, 0);
    }

    /**
     * The partitions loop {@code index} of {@code consumers} replays (partition number modulo the
     * loop count equals the index), so that a baseline reader in a benchmark splits a topic the
     * same way.
     */
    public static java.util.List<org.apache.kafka.common.TopicPartition> replayPartitions(
            java.util.List<org.apache.kafka.common.PartitionInfo> infos, int index, int consumers) {
        return ConsumerLoop.replayShare(infos, index, consumers);
    }

    /** The metrics this collector reports to. */
    public CollectorMetrics metrics() {
        return metrics;
    }

    private void runLoop(ConsumerLoop loop) {
        try {
            loop.run();
        } catch (Throwable t) {
            fatal.compareAndSet(null, t);
            shutdown();
        }
    }

    private void reportLag() {
        metrics.lag(lags.stream().mapToLong(AtomicLong::get).sum());
    }
}
