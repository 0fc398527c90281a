package dev.stemma.analyzer.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CheckpointPlanTest {

    @Test
    void shouldNeverPlaceACheckpointThatALaterStepMovesAway() {
        for (int max = 2; max <= 25; max++) {
            for (int recorded = 2; recorded < 600; recorded++) {
                Set<Integer> before = set(CheckpointPlan.fixed(recorded, max));
                for (int count : CheckpointPlan.fixed(recorded + 1, max)) {
                    assertTrue(before.contains(count) || count == recorded + 1,
                            "max " + max + ": checkpoint " + count + " is new at " + (recorded + 1) + " steps");
                }
            }
        }
    }

    @Test
    void shouldKeepBetweenHalfAndAllOfTheCheckpointsWithTheLatestLast() {
        for (int max = 2; max <= 25; max++) {
            for (int recorded = 2; recorded < 600; recorded++) {
                int[] all = CheckpointPlan.all(recorded, max);
                assertTrue(all.length <= max, "max " + max + ", " + recorded + " steps: " + Arrays.toString(all));
                assertTrue(all.length >= Math.min(recorded - 1, max / 2), "max " + max + ", " + recorded + " steps: " + all.length);
                assertEquals(recorded, all[all.length - 1]);
            }
        }
    }

    @Test
    void shouldPlaceEveryStepFromTwoWhileThereAreFewAndDoubleTheStrideAfter() {
        assertArrayEquals(new int[] {2, 3, 4, 5}, CheckpointPlan.all(5, 20));
        assertArrayEquals(new int[0], CheckpointPlan.all(1, 20));
        assertArrayEquals(new int[] {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 39},
                CheckpointPlan.all(39, 20));
        assertArrayEquals(new int[] {4, 8, 12, 16, 20, 24, 28, 32, 36, 40}, CheckpointPlan.all(40, 20));
    }

    private static Set<Integer> set(int[] counts) {
        return Arrays.stream(counts).boxed().collect(Collectors.toSet());
    }
}
