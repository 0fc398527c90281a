package dev.stemma.analyzer.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.RepresentationConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftTrackerTest {

    private static final DriftConfig CONFIG = new DriftConfig(8, RepresentationConfig.defaults().withRank(4));

    @Test
    void shouldGiveConceptGenerationMovesTowardsMoreShareAtLaterCheckpoints() {
        Drift drift = new DriftTracker("planted", CONFIG).update(new PlantedDrift());
        List<Drift.Checkpoint> points = drift.checkpoints();
        int a = drift.concepts().indexOf("A");
        int b = drift.concepts().indexOf("B");
        double[] early = points.get(0).generated().get("A").shares();
        double[] late = points.get(points.size() - 1).generated().get("A").shares();
        assertTrue(early[b] > early[a], "while it follows B, B leads: " + shares(points, "A", a));
        assertTrue(late[a] > 0.6 && late[a] > early[a] + 0.3, "A gains once it moves along A: " + shares(points, "A", a));
        for (Drift.Checkpoint p : points) {
            assertTrue(p.generated().get("B").shares()[b] > 0.6, "the steady B generation stays with B at step " + p.step());
        }
    }

    @Test
    void shouldAddSharesUpToOneForEveryGeneratedConceptAtEveryCheckpoint() {
        Drift drift = new DriftTracker("planted", CONFIG).update(new PlantedDrift());
        assertEquals(List.of("A", "B"), drift.generatedConcepts());
        for (Drift.Checkpoint p : drift.checkpoints()) {
            for (String generated : drift.generatedConcepts()) {
                Drift.MeanShares mean = p.generated().get(generated);
                assertEquals(1, mean.generations());
                assertEquals(1.0, java.util.Arrays.stream(mean.shares()).sum(), 1e-9, "step " + p.step());
            }
        }
        assertEquals(2, drift.latest().size(), "one latest answer per probe generation");
        assertEquals((PlantedDrift.STEPS - 1) * PlantedDrift.STEP_EVERY, drift.lastStep());
    }

    @Test
    void shouldKeepAtMostTheConfiguredCheckpointsEvenlySpacedAndEndingAtTheLatestStep() {
        Drift drift = new DriftTracker("planted", CONFIG).update(new PlantedDrift());
        List<Drift.Checkpoint> points = drift.checkpoints();
        assertTrue(points.size() <= CONFIG.checkpoints() && points.size() >= CONFIG.checkpoints() / 2, "" + points.size());
        assertEquals(drift.lastStep(), points.get(points.size() - 1).step());
        assertEquals(PlantedDrift.STEPS, points.get(points.size() - 1).recordedSteps());
        int stride = points.get(1).recordedSteps() - points.get(0).recordedSteps();
        for (int i = 1; i < points.size() - 1; i++) {
            assertEquals(stride, points.get(i).recordedSteps() - points.get(i - 1).recordedSteps());
        }
    }

    @Test
    void shouldComputeOnlyTheNewCheckpointsAsStepsArrive() {
        PlantedDrift run = new PlantedDrift();
        DriftTracker tracker = new DriftTracker("planted", CONFIG);
        Drift before = tracker.update(run.visible(6)); // checkpoints at 2, 3, 4, 5, 6 recorded steps
        assertEquals(5, tracker.builds());
        assertEquals(5, before.checkpoints().size());

        Drift same = tracker.update(run);
        assertEquals(5, tracker.builds(), "no new step, nothing computed");
        assertEquals(before.checkpoints(), same.checkpoints());

        Drift after = tracker.update(run.visible(7));
        assertEquals(6, tracker.builds(), "one step more: only its checkpoint, the latest");
        for (int i = 0; i < before.checkpoints().size(); i++) {
            assertSame(before.checkpoints().get(i), after.checkpoints().get(i), "kept, not recomputed");
        }

        int builds = tracker.builds();
        tracker.update(run.visible(PlantedDrift.STEPS));
        // Latest (40) plus the fixed points at stride 8 not yet computed (8, 16, 24, 32); 40 is the latest.
        assertEquals(builds + 5, tracker.builds());
    }

    @Test
    void shouldResumeWhereItStoppedOnTheNextUpdate() {
        PlantedDrift run = new PlantedDrift();
        DriftTracker tracker = new DriftTracker("planted", CONFIG);
        Drift partial = tracker.update(run, () -> true);
        assertEquals(2, tracker.builds(), "the latest answer and one checkpoint, then it stops");
        assertEquals(2, partial.checkpoints().size());
        assertEquals(2, partial.latest().size());
        assertEquals(3, partial.pending(), "fixed points at 16, 24, 32 to go (8 done, 40 is the latest)");
        Drift whole = tracker.update(run, () -> false);
        assertEquals(0, whole.pending());
        assertEquals(new DriftTracker("planted", CONFIG).update(run).checkpoints().size(), whole.checkpoints().size());
    }

    @Test
    void shouldWaitForTwoRecordedStepsBeforeAnswering() {
        Drift drift = new DriftTracker("planted", CONFIG).update(new PlantedDrift().visible(1));
        assertTrue(drift.checkpoints().isEmpty());
        assertTrue(drift.latest().isEmpty());
        assertEquals(1, drift.recordedSteps());
        assertEquals(0, drift.lastStep());
    }

    private static String shares(List<Drift.Checkpoint> points, String generated, int concept) {
        StringBuilder s = new StringBuilder();
        for (Drift.Checkpoint p : points) {
            s.append(String.format(" %d:%.2f", p.step(), p.generated().get(generated).shares()[concept]));
        }
        return s.toString();
    }
}
