package dev.stemma.collector;

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
 * One consumer thread of a {@link Collector}: poll, write the poll into the store as one batch,
 * send its bad records to the dead-letter topic, commit its offsets; repeat until shut down.
 *
 * <p>Pipelined: a poll's batch is written on this loop's writer thread while the consumer thread
 * polls the next one (the classic consumer reads its socket only inside {@code poll}, so without
 * this the fetch and the write never overlap). The next poll is handed to the writer only after
 * the previous one's write has returned, its dead letters are sent and its offsets committed, so
 * offsets are still committed after their write and in poll order, one batch at a time.
 *
 * <p>Errors are sorted as in Kafka's own examples: fatal ones (authorization, an unsupported
 * broker, a fenced static member, a store failure) stop the collector; an invalid or missing
 * offset resets to the beginning of the partition (the store is idempotent, so re-reading
 * loses nothing); anything else is logged, the unfinished poll is rewound, and the loop goes on.
 */
final class ConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

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
    /** The poll being written on the writer thread, not yet committed; null when none. */
    private Batch inFlight;
    /** A poll that was written but whose dead letters failed: read again from its first offsets. */
    private ConsumerRecords<byte[], byte[]> failed;

    /** One poll handed to the writer thread. */
    private record Batch(ConsumerRecords<byte[], byte[]> polled, Map<TopicPartition, OffsetAndMetadata> offsets,
                         Future<BatchOutcome> outcome) {}

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
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
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
                ConsumerRecords<byte[], byte[]> polled = ConsumerRecords.empty();
                boolean submitted = false;
                try {
                    if (inFlight == null || !replayFetchedAll()) {
                        polled = consumer.poll(config.pollTimeout());
                    }
                    if (inFlight != null) {
                        finish(sink);
                    } else if (polled.isEmpty() && uncommitted != null) {
                        commit(uncommitted);
                    }
                    if (!polled.isEmpty()) {
                        submit(polled);
                        submitted = true;
                    }
                    reportLag();
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
                    LOG.warn("collector {}-{}: {}; retrying the poll", config.clientId(), index, e.toString());
                    if (!submitted) {
                        rewind(polled); // polled but never handed to the writer
                    }
                    if (failed != null) {
                        rewind(failed); // after the later poll: its first offsets are the earlier ones
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

    /** Hands a poll to the writer thread. */
    private void submit(ConsumerRecords<byte[], byte[]> polled) {
        List<IncomingRecord> records = new ArrayList<>(polled.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            records.add(new IncomingRecord(r.key(), r.value(), r.topic(), r.partition(), r.offset()));
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        inFlight = new Batch(polled, offsets, writerThread.submit(() -> writer.write(records)));
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
                failed = b.polled();
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

    /** Seeks back to the first record of a poll that was not fully handled, so it is read again. */
    private void rewind(ConsumerRecords<byte[], byte[]> polled) {
        for (TopicPartition tp : polled.partitions()) {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, polled.records(tp).get(0).offset());
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

    private void assignFromStart() {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = consumer.partitionsFor(config.topic());
        for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        replayEnd = consumer.endOffsets(partitions);
    }

    private boolean replayFinished() {
        return replayFetchedAll() && inFlight == null && uncommitted == null;
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
