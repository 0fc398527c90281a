package dev.stemma.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which timesteps each capture takes under each schedule. */
class AgentConfigTest {
    private static final AgentConfig DEFAULTS = AgentConfig.defaults("config-test", "unused:9092",
            new RunProvenance(1, "00".repeat(32), Map.of(), Map.of()));

    @Test
    void shouldTakeOneTimestepPerCaptureInTurnByDefault() {
        AgentConfig c = DEFAULTS.withActivationEvery(10);
        assertEquals(List.of(200, 600), c.timesteps());
        assertEquals(List.of(200), c.timestepsAt(0));
        assertEquals(List.of(600), c.timestepsAt(10));
        assertEquals(List.of(200), c.timestepsAt(20));
        assertEquals(List.of(600), c.timestepsAt(790));
    }

    @Test
    void shouldTakeEveryTimestepAtEveryCaptureWhenTogether() {
        AgentConfig c = new AgentConfig(DEFAULTS.runId(), DEFAULTS.bootstrapServers(), DEFAULTS.topic(), 10,
                DEFAULTS.probesPerConcept(), DEFAULTS.generationsPerConcept(), DEFAULTS.layers(), List.of(100, 300, 500),
                AgentConfig.TimestepSchedule.TOGETHER, DEFAULTS.conditionings(), DEFAULTS.poolings(),
                DEFAULTS.activationDtype(), DEFAULTS.probeBatchSize(), DEFAULTS.queueCapacityBytes(),
                DEFAULTS.backpressure(), DEFAULTS.spillDir(), DEFAULTS.compression(), DEFAULTS.provenance());
        assertEquals(List.of(100, 300, 500), c.timestepsAt(0));
        assertEquals(List.of(100, 300, 500), c.timestepsAt(30));
    }

    @Test
    void shouldCycleThroughThreeTimestepsInTurn() {
        AgentConfig c = new AgentConfig(DEFAULTS.runId(), DEFAULTS.bootstrapServers(), DEFAULTS.topic(), 5,
                DEFAULTS.probesPerConcept(), DEFAULTS.generationsPerConcept(), DEFAULTS.layers(), List.of(100, 300, 500),
                AgentConfig.TimestepSchedule.IN_TURN, DEFAULTS.conditionings(), DEFAULTS.poolings(),
                DEFAULTS.activationDtype(), DEFAULTS.probeBatchSize(), DEFAULTS.queueCapacityBytes(),
                DEFAULTS.backpressure(), DEFAULTS.spillDir(), DEFAULTS.compression(), DEFAULTS.provenance());
        assertEquals(List.of(100), c.timestepsAt(0));
        assertEquals(List.of(300), c.timestepsAt(5));
        assertEquals(List.of(500), c.timestepsAt(10));
        assertEquals(List.of(100), c.timestepsAt(15));
    }
}
