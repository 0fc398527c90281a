package dev.stemma.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.DType;
import dev.stemma.protocol.Pooling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldTakeDefaultsForKeysLeftOut() throws Exception {
        AgentConfig c = AgentConfigFile.load(write("run-id: r1\nbootstrap-servers: h:9092\n"));
        AgentConfig d = AgentConfig.defaults("r1", "h:9092", c.provenance());
        assertEquals(d, c);
    }

    @Test
    void shouldReadListsAndEnums() throws Exception {
        AgentConfig c = AgentConfigFile.load(write("""
                run-id: r1
                bootstrap-servers: h:9092
                activation-every: 0
                timesteps: [100, 300]
                timestep-schedule: together
                conditionings: null,own
                poolings: [1, 4]
                activation-dtype: float32
                backpressure: spill
                spill-dir: /tmp/spill
                """));
        assertEquals(0, c.activationEvery());
        assertEquals(List.of(100, 300), c.timesteps());
        assertEquals(AgentConfig.TimestepSchedule.TOGETHER, c.timestepSchedule());
        assertEquals(List.of(Conditioning.NULL_TOKEN, Conditioning.OWN_TOKEN), c.conditionings());
        assertEquals(List.of(Pooling.GLOBAL_MEAN, new Pooling(4)), c.poolings());
        assertEquals(DType.FLOAT32, c.activationDtype());
        assertEquals(AgentConfig.Backpressure.SPILL, c.backpressure());
    }

    @Test
    void shouldRejectUnknownKeyNamingFileAndKey() throws Exception {
        Path f = write("run-id: r1\nbootstrap-servers: h:9092\nactivation-evry: 3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentConfigFile.load(f));
        assertTrue(e.getMessage().contains("activation-evry") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void shouldRejectSpillWithoutDirectory() throws Exception {
        Path f = write("run-id: r1\nbootstrap-servers: h:9092\nbackpressure: spill\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentConfigFile.load(f)).getMessage()
                .contains("spill directory"));
    }

    @Test
    void shouldRejectUnknownTimestepScheduleNamingTheChoices() throws Exception {
        Path f = write("run-id: r1\nbootstrap-servers: h:9092\ntimestep-schedule: alternate\n");
        String message = assertThrows(IllegalArgumentException.class, () -> AgentConfigFile.load(f)).getMessage();
        assertTrue(message.contains("alternate") && message.contains("together, in-turn"), message);
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
