package dev.stemma.agent;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records with an idempotent producer ({@code acks=all}) that never gives up on a record:
 * while the broker is away it retries, its buffer fills, {@code send} blocks, the agent's queue
 * fills, and training is held until the broker is back. Nothing is lost and, being idempotent,
 * nothing is written twice.
 */
final class KafkaRecordSink implements RecordSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    KafkaRecordSink(AgentConfig config) {
        ensureTopic(config);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "stemma-agent-" + config.runId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight. With several, a NOT_LEADER_OR_FOLLOWER on a new or moved
        // partition was seen to leave this Kafka 4.3 producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER
        // forever (in tests and benchmarks on a fresh topic); with one, the failed batch is simply
        // retried first. Batches of up to 1 MiB keep throughput well above what a run produces.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, config.queueCapacityBytes())));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 << 20));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = config.topic();
    }

    /**
     * Creates the topic (broker defaults for partitions and replication) if it is missing, and
     * waits until it has a leader for every partition. An idempotent producer whose first
     * records auto-create the topic was seen to get stuck retrying OUT_OF_ORDER_SEQUENCE_NUMBER
     * forever on the new partition's leader change.
     */
    private static void ensureTopic(AgentConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "stemma-agent-admin-" + config.runId());
        try (Admin admin = Admin.create(p)) {
            try {
                admin.createTopics(List.of(new NewTopic(config.topic(), Optional.empty(), Optional.empty())))
                        .all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + config.topic() + " on "
                            + config.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(config.topic())).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(config.topic());
                    if (d.partitions().stream().allMatch(part -> part.leader() != null && !part.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // Not visible yet: ask again.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + config.topic() + " has no leader after 60 s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing topic " + config.topic(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not answer within 60 s", e);
        }
    }

    @Override
    public void send(byte[] key, byte[] value, Completion completion) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> completion.done(error));
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
