package dev.stemma.analyzer.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Step grids of timesteps taken together and in turn. */
class StepGridTest {
    /** Two channels at t=200 (steps 0, 20, 40) and two at t=600 (10, 30, 50): timesteps in turn. */
    private static final StepGrid IN_TURN =
            new StepGrid(new long[][] {{0, 20, 40}, {0, 20, 40}, {10, 30, 50}, {10, 30, 50}});

    @Test
    void shouldCompleteEachPositionAtTheLaterStepOfItsTurn() {
        assertArrayEquals(new long[] {10, 30, 50}, IN_TURN.completedAt());
        assertArrayEquals(new long[] {0, 20, 40}, StepGrid.shared(new long[] {0, 20, 40}, 3).completedAt());
    }

    @Test
    void shouldCutOnlyWhereEveryChannelWasRecorded() {
        assertEquals(2, IN_TURN.upTo(30).count());
        assertEquals(2, IN_TURN.upTo(49).count(), "t=200 has step 40 but t=600 not yet step 50");
        assertEquals(3, IN_TURN.upTo(50).count());
        assertEquals(0, IN_TURN.upTo(5).count());
        assertArrayEquals(new long[] {10, 30}, IN_TURN.upTo(30).steps(2));
    }

    @Test
    void shouldKeepEachChannelsOwnLastStep() {
        StepGrid last = IN_TURN.last();
        assertEquals(1, last.count());
        assertEquals(40, last.step(0, 0));
        assertEquals(50, last.step(3, 0));
    }

    @Test
    void shouldTakeAsManyStepsAsEveryChannelHasRecorded() {
        StepGrid g = StepGrid.firstOf(new long[][] {{0, 20, 40}, {10, 30}}, 2);
        assertArrayEquals(new long[] {0, 20}, g.steps(0));
        assertArrayEquals(new long[] {10, 30}, g.steps(1));
    }

    @Test
    void shouldListTheCellsOfEveryStepInStepOrder() {
        Map<Long, List<StepGrid.Cell>> cells = IN_TURN.cellsByStep();
        assertEquals(List.of(0L, 10L, 20L, 30L, 40L, 50L), List.copyOf(cells.keySet()));
        assertEquals(List.of(new StepGrid.Cell(2, 1), new StepGrid.Cell(3, 1)), cells.get(30L));
        assertEquals(List.of(new StepGrid.Cell(0, 0), new StepGrid.Cell(1, 0)), cells.get(0L));
    }

    @Test
    void shouldRejectChannelsOfDifferentCountsOrStepsOutOfOrder() {
        assertThrows(IllegalArgumentException.class, () -> new StepGrid(new long[][] {{0, 10}, {0}}));
        assertThrows(IllegalArgumentException.class, () -> new StepGrid(new long[][] {{10, 0}}));
        assertThrows(IllegalArgumentException.class, () -> new StepGrid(new long[0][]));
    }
}
