package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The batch a consumer loop gathers from several polls while the writer is busy. */
class PendingBatchTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void shouldKeepEachPartitionsFirstOffsetToRewindToAndCommitPastItsLast() {
        ConsumerLoop.PendingBatch batch = new ConsumerLoop.PendingBatch();
        assertTrue(batch.isEmpty());
        batch.add(poll(Map.of(P0, List.of(10L, 11L), P1, List.of(5L))));
        batch.add(poll(Map.of(P0, List.of(12L))));
        batch.add(poll(Map.of(P1, List.of(6L, 7L))));

        assertEquals(Map.of(P0, 10L, P1, 5L), batch.firstOffsets, "where a failed batch is read again from");
        assertEquals(Map.of(P0, new OffsetAndMetadata(13), P1, new OffsetAndMetadata(8)), batch.offsets,
                "what its commit says: the next offset to read");
        assertEquals(6, batch.records.size());
        assertEquals(6 * (3 + 100), batch.bytes, "keys and values of every record");
        List<Long> p0 = batch.records.stream().map(DecodedRecord::incoming).filter(r -> r.partition() == 0).map(IncomingRecord::offset).toList();
        assertEquals(List.of(10L, 11L, 12L), p0, "in poll order within a partition");
    }

    /** One poll with a 3-byte key and a 100-byte value per record. */
    private static ConsumerRecords<byte[], byte[]> poll(Map<TopicPartition, List<Long>> offsets) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
        offsets.forEach((tp, list) -> {
            List<ConsumerRecord<byte[], byte[]>> rs = new ArrayList<>();
            for (long o : list) {
                rs.add(new ConsumerRecord<>(tp.topic(), tp.partition(), o, new byte[3], new byte[100]));
            }
            records.put(tp, rs);
        });
        return new ConsumerRecords<>(records, Map.of());
    }
}
