package dev.stemma.collector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    private Map<TopicPartition, Long> replayEnd;
    private Map<TopicPartition, OffsetAndMetadata> uncommitted;

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
                try {
                    polled = consumer.poll(config.pollTimeout());
                    if (!polled.isEmpty()) {
                        handle(polled, sink);
                    } else if (uncommitted != null) {
                        commit(uncommitted);
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
                    rewind(polled);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (uncommitted != null) {
                // The last batch is written; its commit was interrupted by shutdown: commit it now.
                commit(uncommitted);
            }
        } finally {
            writer.close();
        }
    }

    private void handle(ConsumerRecords<byte[], byte[]> polled, DeadLetterSink sink) throws InterruptedException {
        List<IncomingRecord> records = new ArrayList<>(polled.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            records.add(new IncomingRecord(r.key(), r.value(), r.topic(), r.partition(), r.offset()));
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        BatchOutcome outcome = writer.write(records);
        if (sink != null) {
            sink.send(outcome.rejected());
        }
        metrics.recorded(outcome);
        uncommitted = offsets;
        commit(offsets);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        consumer.commitSync(offsets);
        uncommitted = null;
    }

    /** Seeks back to the first record of a poll that was not fully handled, so it is read again. */
    private void rewind(ConsumerRecords<byte[], byte[]> polled) {
        if (uncommitted != null) {
            return; // the batch is stored; only its commit is pending, and the next one covers it
        }
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
        if (replayEnd == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> e : replayEnd.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return uncommitted == null;
    }
}
