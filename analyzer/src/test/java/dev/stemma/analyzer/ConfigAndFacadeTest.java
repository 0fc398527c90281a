package dev.stemma.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigAndFacadeTest {

    @Test
    void shouldRejectConfigsOutsideTheirDomainWithTheValueInTheMessage() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> new RepresentationConfig(0, IncrementMode.FROM_START, 1, 4));
        assertTrue(rank.getMessage().contains("0"));
        assertThrows(IllegalArgumentException.class, () -> new GradientConfig(-1, 1, 8, 0.1));
        assertThrows(IllegalArgumentException.class, () -> GradientConfig.defaults().withKernel(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> GradientConfig.defaults().withKernel(8, 0));
        assertThrows(IllegalArgumentException.class, () -> SharesConfig.defaults().withTemperature(0));
        assertThrows(IllegalArgumentException.class, () -> SharesConfig.defaults().withSubsetSize(0));
        assertThrows(IllegalArgumentException.class, () -> new NeighbourConfig(10, 16, 200, 5));
        assertTrue(Double.isNaN(SharesConfig.defaults().temperature()), "default temperature is calibrated");
    }

    @Test
    void shouldRejectTrainingSetsWithDuplicateIdsAndKeepConceptOrder() {
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingSet(List.of(new TrainingItem("a", "x"), new TrainingItem("a", "y"))));
        TrainingSet set = new TrainingSet(List.of(new TrainingItem("a", "shirt"), new TrainingItem("b", "bag"), new TrainingItem("c", "shirt")));
        assertEquals(List.of("shirt", "bag"), set.concepts());
        assertEquals(0, set.conceptOf(2));
        assertEquals(2, set.members(0).length);
    }

    @Test
    void shouldNameTheRunAndMethodInEveryAnswer() {
        PlantedRun run = new PlantedRun(new int[] {6, 6}, 6, 0.05, 3);
        Analyzer analyzer = Analyzer.builder("run-42", run.set)
                .representationTrajectories(run, RepresentationConfig.defaults().withRank(4))
                .build();
        for (String method : analyzer.methods()) {
            Attribution a = analyzer.attribute(method, Query.empty().withTrajectory(run.training(0)));
            assertEquals("run-42", a.run());
            assertEquals(method, a.method());
            assertEquals(run.set.size(), a.imageScores().length);
            assertEquals(run.set.size(), a.ranking().length);
        }
        assertThrows(IllegalStateException.class, () -> Analyzer.builder("run-42", run.set).build());
        assertThrows(IllegalArgumentException.class, () -> Analyzer.builder(" ", run.set));
    }
}
