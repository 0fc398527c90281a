package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayShareTest {
    private static List<PartitionInfo> partitions(int n) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            infos.add(new PartitionInfo("t", p, null, null, null));
        }
        return infos;
    }

    @Test
    void shouldGiveEveryPartitionToExactlyOneLoop() {
        for (int consumers = 1; consumers <= 5; consumers++) {
            Set<TopicPartition> all = new HashSet<>();
            int total = 0;
            for (int i = 0; i < consumers; i++) {
                List<TopicPartition> share = ConsumerLoop.replayShare(partitions(7), i, consumers);
                total += share.size();
                all.addAll(share);
            }
            assertEquals(7, total, consumers + " loops");
            assertEquals(7, all.size(), consumers + " loops");
        }
    }

    @Test
    void shouldLeaveALoopWithoutPartitionsWhenThereAreMoreLoopsThanPartitions() {
        assertEquals(List.of(new TopicPartition("t", 1)), ConsumerLoop.replayShare(partitions(2), 1, 3));
        assertEquals(List.of(), ConsumerLoop.replayShare(partitions(2), 2, 3));
        assertEquals(List.of(), ConsumerLoop.replayShare(null, 0, 1));
    }
}
