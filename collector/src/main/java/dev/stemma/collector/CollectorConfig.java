package dev.stemma.collector;

import dev.stemma.protocol.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one collector. Build with {@link #defaults(String)} and the {@code with...}
 * methods; every value is checked here.
 *
 * @param bootstrapServers Kafka {@code host:port} list
 * @param groupId          consumer group; collectors of one group share the topic's partitions
 * @param clientId         Kafka client id (logs and quotas); each consumer thread appends its index
 * @param instanceId       static group membership id, or null: a restarted collector with the same id takes its
 *                         partitions back at once instead of waiting for the session timeout
 * @param topic            where agents publish
 * @param deadLetterTopic  where bad records go
 * @param mode             follow the group's committed offsets, or replay the topic from offset 0 and stop at its end
 * @param consumers        consumer threads in this process, all writing the one store
 * @param syncWrites       fsync the WAL of each batch before committing its offsets
 * @param sendDeadLetters  send bad records to the dead-letter topic (replay only counts them: they were sent once)
 * @param pollTimeout      longest wait of one poll
 * @param maxPollRecords   most records per poll (a WriteBatch gathers the polls made while the previous one was
 *                         written, up to about 16 MB)
 */
public record CollectorConfig(String bootstrapServers, String groupId, String clientId, String instanceId, String topic,
                              String deadLetterTopic, Mode mode, int consumers, boolean syncWrites, boolean sendDeadLetters,
                              Duration pollTimeout, int maxPollRecords) {

    /** How a collector picks its starting offsets and when it stops. */
    public enum Mode {
        /** Subscribe as a group member, resume from committed offsets, run until shut down. */
        FOLLOW,
        /** Read every partition from offset 0 up to the end offsets seen at start, then stop. */
        REPLAY
    }

    /** Default consumer group of {@code stemma collect}. */
    public static final String DEFAULT_GROUP = "stemma-collector";
    /** Default client id prefix. */
    public static final String DEFAULT_CLIENT_ID = "stemma-collector";
    /** Default poll timeout. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    /** Default records per poll. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 500;

    public CollectorConfig {
        requireText(bootstrapServers, "bootstrap servers");
        requireText(groupId, "group id");
        requireText(clientId, "client id");
        if (instanceId != null && instanceId.isBlank()) {
            throw new IllegalArgumentException("instance id must be null or non-blank");
        }
        requireText(topic, "topic");
        requireText(deadLetterTopic, "dead-letter topic");
        if (topic.equals(deadLetterTopic)) {
            throw new IllegalArgumentException("the dead-letter topic must differ from the topic '" + topic + "'");
        }
        Objects.requireNonNull(mode, "mode");
        if (consumers < 1 || consumers > 64) {
            throw new IllegalArgumentException("consumers must be 1 to 64, got " + consumers);
        }
        if (pollTimeout == null || pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("poll timeout must be positive, got " + pollTimeout);
        }
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("max poll records must be at least 1, got " + maxPollRecords);
        }
    }

    /** A group member of {@link #DEFAULT_GROUP} on the standard topics, with every default. */
    public static CollectorConfig defaults(String bootstrapServers) {
        return new CollectorConfig(bootstrapServers, DEFAULT_GROUP, DEFAULT_CLIENT_ID, null, Topics.SNAPSHOTS,
                Topics.DEAD_LETTER, Mode.FOLLOW, 1, true, true, DEFAULT_POLL_TIMEOUT, DEFAULT_MAX_POLL_RECORDS);
    }

    public CollectorConfig withGroupId(String v) {
        return new CollectorConfig(bootstrapServers, v, clientId, instanceId, topic, deadLetterTopic, mode, consumers,
                syncWrites, sendDeadLetters, pollTimeout, maxPollRecords);
    }

    public CollectorConfig withClientId(String v) {
        return new CollectorConfig(bootstrapServers, groupId, v, instanceId, topic, deadLetterTopic, mode, consumers,
                syncWrites, sendDeadLetters, pollTimeout, maxPollRecords);
    }

    public CollectorConfig withInstanceId(String v) {
        return new CollectorConfig(bootstrapServers, groupId, clientId, v, topic, deadLetterTopic, mode, consumers,
                syncWrites, sendDeadLetters, pollTimeout, maxPollRecords);
    }

    public CollectorConfig withTopics(String t, String deadLetters) {
        return new CollectorConfig(bootstrapServers, groupId, clientId, instanceId, t, deadLetters, mode, consumers,
                syncWrites, sendDeadLetters, pollTimeout, maxPollRecords);
    }

    /**
     * Replay from offset 0 to the current end, in a fresh group of its own (so that the commits do
     * not touch a live collector's group), one consumer; bad records are counted, not sent again.
     */
    public CollectorConfig replaying() {
        return new CollectorConfig(bootstrapServers, "stemma-replay-" + java.util.UUID.randomUUID(), clientId, null, topic,
                deadLetterTopic, Mode.REPLAY, 1,
                syncWrites, false, pollTimeout, maxPollRecords);
    }

    public CollectorConfig withConsumers(int v) {
        return new CollectorConfig(bootstrapServers, groupId, clientId, instanceId, topic, deadLetterTopic, mode, v,
                syncWrites, sendDeadLetters, pollTimeout, maxPollRecords);
    }

    public CollectorConfig withSyncWrites(boolean v) {
        return new CollectorConfig(bootstrapServers, groupId, clientId, instanceId, topic, deadLetterTopic, mode, consumers,
                v, sendDeadLetters, pollTimeout, maxPollRecords);
    }

    public CollectorConfig withMaxPollRecords(int v) {
        return new CollectorConfig(bootstrapServers, groupId, clientId, instanceId, topic, deadLetterTopic, mode, consumers,
                syncWrites, sendDeadLetters, pollTimeout, v);
    }

    private static void requireText(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
