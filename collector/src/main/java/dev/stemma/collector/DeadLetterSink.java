package dev.stemma.collector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import dev.stemma.protocol.Topics;

/**
 * Sends refused records to the dead-letter topic, key and value unchanged, with the reason and
 * the one-line error in headers (plus where the record was read). {@link #send} returns once
 * the broker has every entry, so offsets are committed only after their bad records are safe.
 */
final class DeadLetterSink implements AutoCloseable {
    static final String SOURCE_HEADER = "stemma.source";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    DeadLetterSink(String bootstrapServers, String clientId, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-deadletter");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight: see KafkaRecordSink (idempotent producers stuck on OUT_OF_ORDER_SEQUENCE_NUMBER).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 << 20));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Sends every refused record and waits until the broker has them all. */
    void send(List<RejectedRecord> rejected) throws InterruptedException {
        if (rejected.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(rejected.size());
        for (RejectedRecord r : rejected) {
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, r.record().key(), r.record().value());
            out.headers().add(new RecordHeader(Topics.REASON_HEADER, r.reason().name().getBytes(StandardCharsets.UTF_8)));
            out.headers().add(new RecordHeader(Topics.ERROR_HEADER, oneLine(r.message()).getBytes(StandardCharsets.UTF_8)));
            out.headers().add(new RecordHeader(SOURCE_HEADER, (r.record().topic() + "-" + r.record().partition() + "@"
                    + r.record().offset()).getBytes(StandardCharsets.UTF_8)));
            sent.add(producer.send(out));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new KafkaException("dead-letter send failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private static String oneLine(String s) {
        String m = s == null ? "" : s.replace('\n', ' ');
        return m.length() > 1000 ? m.substring(0, 1000) : m;
    }

    @Override
    public void close() {
        producer.close();
    }
}
