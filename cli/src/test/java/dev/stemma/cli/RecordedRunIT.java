package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole single-machine pipeline on a tiny model: train with the agent (embedded broker and
 * collector), verify the stored run, attribute its probe generations from the store.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RecordedRunIT {
    @TempDir
    Path dir;

    @Test
    void shouldTrainIntoStoreVerifyAndAttributeProbeGenerations() throws Exception {
        Path base = dir.resolve("base");
        assertEquals(0, Stemma.run("pretrain", "--data", TrainerCommandsIT.DATA, "--classes", "Trouser,Sandal", "--out",
                base.toString(), "--images-per-class", "10", "--channels", "8,16", "--steps", "3", "--batch", "4"));
        Path store = dir.resolve("store");
        assertEquals(0, Stemma.run("train", "--base", base.toString(), "--data", TrainerCommandsIT.DATA,
                "--concepts", "Shirt,Bag", "--images-per-concept", "4", "--prior-per-class", "1", "--steps", "6",
                "--batch", "4", "--rank", "2", "--run", "recorded", "--out", dir.resolve("run/adapter.stw").toString(),
                "--store", store.toString(), "--activation-every", "2", "--probes-per-concept", "4",
                "--generations-per-concept", "1", "--metrics-port", "0"));
        assertEquals(0, Stemma.run("verify", "--store", store.toString(), "--run", "recorded"));

        Path json = dir.resolve("attribution.json");
        assertEquals(0, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--top", "3",
                "--rank", "2", "--json", json.toString()));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, root.get("recordedSteps").asInt(), "activations at steps 0, 2 and 4");
        assertEquals(2, root.get("generations").asInt(), "one probe generation per concept");
        for (JsonNode image : root.get("images")) {
            double sum = 0;
            for (JsonNode share : image.get("shares")) {
                sum += share.asDouble();
            }
            assertEquals(1.0, sum, 1e-3, "shares add up to 1: " + image);
            assertEquals(3, image.get("topTrainingImages").size());
            assertTrue(image.has("confidence"));
        }
        assertEquals(2, Stemma.run("attribute", "--store", store.toString(), "--run", "no-such-run"));
        assertTrue(Files.isRegularFile(dir.resolve("run/adapter.stw")));
    }
}
