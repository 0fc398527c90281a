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
        AgentConfig c = threeTimesteps(10, AgentConfig.TimestepSchedule.TOGETHER);
        assertEquals(List.of(100, 300, 500), c.timestepsAt(0));
        assertEquals(List.of(100, 300, 500), c.timestepsAt(30));
    }

    @Test
    void shouldCycleThroughThreeTimestepsInTurn() {
        AgentConfig c = threeTimesteps(5, AgentConfig.TimestepSchedule.IN_TURN);
        assertEquals(List.of(100), c.timestepsAt(0));
        assertEquals(List.of(300), c.timestepsAt(5));
        assertEquals(List.of(500), c.timestepsAt(10));
        assertEquals(List.of(100), c.timestepsAt(15));
    }

    /** The defaults with timesteps 100, 300 and 500 under {@code schedule}, activations every {@code every} steps. */
    private static AgentConfig threeTimesteps(int every, AgentConfig.TimestepSchedule schedule) {
        AgentConfig d = DEFAULTS;
        return new AgentConfig(d.runId(), d.bootstrapServers(), d.topic(), every, d.probesPerConcept(),
                d.generationsPerConcept(), d.layers(), List.of(100, 300, 500), schedule, d.conditionings(), d.poolings(),
                d.activationDtype(), d.probeBatchSize(), d.queueCapacityBytes(), d.backpressure(), d.spillDir(),
                d.compression(), d.provenance());
    }
}
