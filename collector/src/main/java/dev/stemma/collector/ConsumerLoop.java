package dev.stemma.collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread of a {@link Collector}: poll, write the polled records into the store as
 * one batch, send its bad records to the dead-letter topic, commit its offsets; repeat until shut
 * down.
 *
 * <p>Pipelined: a batch is written on this loop's writer thread while the consumer thread keeps
 * polling and gathers the next batch (the classic consumer reads its socket only inside
 * {@code poll}, so a thread that waited for the write would leave the fetch stalled behind a full
 * socket buffer). The gathered batch is handed to the writer only after the previous one's write
 * has returned, its dead letters are sent and its offsets committed, so offsets are still
 * committed after their write and in poll order, one batch at a time. A gathered batch is bounded
 * by {@link #MAX_BATCH_BYTES}: past it the loop waits for the writer.
 *
 * <p>Errors are sorted as in Kafka's own examples: fatal ones (authorization, an unsupported
 * broker, a fenced static member, a store failure) stop the collector; an invalid or missing
 * offset resets to the beginning of the partition (the store is idempotent, so re-reading
 * loses nothing); anything else is logged, what was polled but not committed is read again
 * (the gathered records are dropped and their partitions rewound), and the loop goes on.
 */
final class ConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

    /**
     * Bytes (keys and values) gathered for the next batch past which the loop stops polling and
     * waits for the writer. Small batches keep the fetch and the write overlapped (a 64 MB batch
     * left the first fetch and the last write alone: 0.40 of the raw consumer's rate against
     * 0.57 at 16 MB, bench collector, 300 MB); memory stays at about two batches besides the
     * consumer's fetch buffers. A poll may overshoot it by one fetch.
     */
    static final long MAX_BATCH_BYTES = 16L << 20;
    /** Poll timeout while a batch is being written: how late its commit can be noticed. */
    private static final Duration BUSY_POLL = Duration.ofMillis(2);

    private final CollectorConfig config;
    private final int index;
    private final StoreWriter writer;
    private final CollectorMetrics metrics;
    private final AtomicBoolean closing;
    private final AtomicLong lag;
    private final Runnable lagChanged;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ExecutorService writerThread;
    private Map<TopicPartition, Long> replayEnd;
    private Map<TopicPartition, OffsetAndMetadata> uncommitted;
    /** Records polled for the next batch, in poll order. */
    private PendingBatch pending = new PendingBatch();
    /** The batch being written on the writer thread, not yet committed; null when none. */
    private Batch inFlight;
    /** A batch that was written but whose dead letters failed: read again from its first offsets. */
    private Map<TopicPartition, Long> failed;

    /** One batch handed to the writer thread. */
    private record Batch(Map<TopicPartition, Long> firstOffsets, Map<TopicPartition, OffsetAndMetadata> offsets,
                         Future<BatchOutcome> outcome) {}

    /** Records gathered from one or more polls for the next batch. */
    static final class PendingBatch {
        /** Decoded (and step digests taken) here, on the consumer thread: less for the writer thread to do. */
        final List<DecodedRecord> records = new ArrayList<>();
        final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long bytes;

        void add(ConsumerRecords<byte[], byte[]> polled) {
            for (ConsumerRecord<byte[], byte[]> r : polled) {
                IncomingRecord in = new IncomingRecord(r.key(), r.value(), r.topic(), r.partition(), r.offset());
                records.add(DecodedRecord.of(in));
                bytes += in.size();
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                firstOffsets.putIfAbsent(tp, r.offset());
                offsets.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }

        boolean isEmpty() {
            return records.isEmpty();
        }
    }

    ConsumerLoop(CollectorConfig config, int index, StoreWriter writer, CollectorMetrics metrics, AtomicBoolean closing,
                 AtomicLong lag, Runnable lagChanged) {
        this.config = config;
        this.index = index;
        this.writer = writer;
        this.metrics = metrics;
        this.closing = closing;
        this.lag = lag;
        this.lagChanged = lagChanged;
        this.consumer = new KafkaConsumer<>(consumerProperties(config, index), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        String name = config.clientId() + "-" + index + "-writer";
        this.writerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
    }

    static Properties consumerProperties(CollectorConfig config, int index) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-" + index);
        if (config.instanceId() != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId() + "-" + index);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A group without offsets starts at the beginning: never skip records that were sent.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        // One fetch is about one batch (MAX_BATCH_BYTES); a record larger than these still comes whole.
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 << 20));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        return p;
    }

    /** Interrupts a blocking poll or commit; the loop then finishes and closes. */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void run() {
        try (consumer; DeadLetterSink sink = config.sendDeadLetters()
                ? new DeadLetterSink(config.bootstrapServers(), config.clientId() + "-" + index, config.deadLetterTopic())
                : null) {
            if (config.mode() == CollectorConfig.Mode.FOLLOW) {
                consumer.subscribe(List.of(config.topic()));
            } else {
                assignFromStart();
            }
            while (!closing.get() && !replayFinished()) {
                try {
                    step(sink);
                } catch (WakeupException e) {
                    if (!closing.get()) {
                        throw e;
                    }
                } catch (AuthorizationException | UnsupportedVersionException | FencedInstanceIdException
                         | InvalidGroupIdException | RecordDeserializationException e) {
                    throw new KafkaException("collector " + config.clientId() + "-" + index + " cannot go on: " + e.getMessage(), e);
                } catch (InvalidOffsetException e) {
                    LOG.warn("invalid or missing offsets for {}; reading them from the beginning", e.partitions());
                    consumer.seekToBeginning(e.partitions());
                } catch (KafkaException e) {
                    LOG.warn("collector {}-{}: {}; reading what was not committed again", config.clientId(), index, e.toString());
                    // The gathered records first, then the failed batch: its first offsets are the earlier ones.
                    rewind(pending.firstOffsets);
                    pending = new PendingBatch();
                    if (failed != null) {
                        rewind(failed);
                        failed = null;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (inFlight != null && !Thread.currentThread().isInterrupted()) {
                // Shutting down with a batch being written: finish it (its dead letters, its commit).
                try {
                    finish(sink);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (uncommitted != null) {
                // The last batch is written; its commit was interrupted by shutdown: commit it now.
                commit(uncommitted);
            }
        } finally {
            stopWriterThread();
            writer.close();
        }
    }

    /**
     * One turn of the loop: commit the batch in flight once it is written (waiting for it only
     * when the gathered batch is full or nothing more is to be read), hand the gathered batch to
     * the writer when it is free, and poll for more.
     */
    private void step(DeadLetterSink sink) throws InterruptedException {
        boolean moreToRead = !replayFetchedAll();
        if (inFlight != null && (inFlight.outcome().isDone() || pending.bytes >= MAX_BATCH_BYTES || !moreToRead)) {
            finish(sink);
        }
        if (inFlight == null && !pending.isEmpty()) {
            submit();
        } else if (inFlight == null && uncommitted != null) {
            commit(uncommitted); // a commit that failed earlier, nothing newer to commit instead
        }
        if (moreToRead && pending.bytes < MAX_BATCH_BYTES) {
            pending.add(consumer.poll(inFlight != null ? BUSY_POLL : config.pollTimeout()));
        }
        reportLag();
    }

    /** Hands the gathered batch to the writer thread. */
    private void submit() {
        PendingBatch b = pending;
        pending = new PendingBatch();
        inFlight = new Batch(b.firstOffsets, b.offsets, writerThread.submit(() -> writer.write(b.records)));
    }

    /**
     * Waits for the batch in flight to be written, sends its dead letters, then commits its
     * offsets. A failed write (a store failure) is rethrown as it is.
     */
    private void finish(DeadLetterSink sink) throws InterruptedException {
        Batch b = inFlight;
        BatchOutcome outcome;
        try {
            outcome = b.outcome().get();
        } catch (ExecutionException e) {
            inFlight = null;
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
        inFlight = null;
        if (sink != null) {
            try {
                sink.send(outcome.rejected());
            } catch (KafkaException e) {
                failed = b.firstOffsets();
                throw e;
            }
        }
        metrics.recorded(outcome);
        uncommitted = b.offsets();
        commit(b.offsets());
    }

    /** Lets the writer thread finish what it was given, then stops it: the writer is closed only afterwards. */
    private void stopWriterThread() {
        writerThread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (writerThread.awaitTermination(1, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        consumer.commitSync(offsets);
        uncommitted = null;
    }

    /** Seeks back to the given first offsets of records that were not fully handled, so they are read again. */
    private void rewind(Map<TopicPartition, Long> firstOffsets) {
        for (Map.Entry<TopicPartition, Long> e : firstOffsets.entrySet()) {
            if (consumer.assignment().contains(e.getKey())) {
                consumer.seek(e.getKey(), e.getValue());
            }
        }
    }

    private void reportLag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            sum += consumer.currentLag(tp).orElse(0);
        }
        lag.set(sum);
        lagChanged.run();
    }

    /**
     * Replay: assigns this loop's share of the topic's partitions (partition number modulo the
     * consumer count equals this loop's index, so the loops of one collector split the topic and
     * read nothing twice) from offset 0, and notes where the replay ends.
     */
    private void assignFromStart() {
        List<TopicPartition> partitions = replayShare(consumer.partitionsFor(config.topic()), index, config.consumers());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        replayEnd = consumer.endOffsets(partitions);
    }

    /** The partitions of {@code infos} that loop {@code index} of {@code consumers} replays. */
    static List<TopicPartition> replayShare(List<PartitionInfo> infos, int index, int consumers) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
            if (info.partition() % consumers == index) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        return partitions;
    }

    private boolean replayFinished() {
        return replayFetchedAll() && pending.isEmpty() && inFlight == null && uncommitted == null;
    }

    /** Replaying, and every partition has been polled up to where the replay ends. */
    private boolean replayFetchedAll() {
        if (replayEnd == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> e : replayEnd.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
