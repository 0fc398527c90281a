package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.replay.RunReplay;
import dev.stemma.analyzer.replay.RunTrainingImages;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.ProbeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole single-machine pipeline on a tiny model: train with the agent (embedded broker and
 * collector), verify the stored run, attribute its probe generations from the store,
 * replay stored steps exactly, and attribute new images by replay into JSON and an HTML report.
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
                "--concepts", "Shirt,Bag", "--images-per-concept", "5", "--prior-per-class", "1", "--steps", "6",
                "--batch", "4", "--rank", "2", "--run", "recorded", "--out", dir.resolve("run/adapter.stw").toString(),
                "--store", store.toString(), "--activation-every", "1", "--probes-per-concept", "5",
                "--generations-per-concept", "1", "--metrics-port", "0"));
        assertEquals(0, Stemma.run("verify", "--store", store.toString(), "--run", "recorded"));

        Path json = dir.resolve("attribution.json");
        assertEquals(0, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--top", "3",
                "--rank", "2", "--json", json.toString()));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, root.get("recordedSteps").asInt(),
                "timesteps in turn: t=200 at steps 0, 2 and 4, t=600 at steps 1, 3 and 5");
        assertEquals(2, root.get("count").asInt(), "one probe generation per concept");
        for (JsonNode image : root.get("images")) {
            double sum = 0;
            for (JsonNode share : image.get("shares")) {
                sum += share.asDouble();
            }
            assertEquals(1.0, sum, 1e-3, "shares add up to 1: " + image);
            assertEquals(3, image.get("topTrainingImages").size());
            assertTrue(image.has("confidence"));
        }
        Path subspaceJson = dir.resolve("concept-subspace.json");
        assertEquals(0, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--rank", "2",
                "--method", "concept-subspace", "--json", subspaceJson.toString()));
        JsonNode bySubspace = new ObjectMapper().readTree(subspaceJson.toFile());
        assertEquals("concept-subspace", bySubspace.get("method").asText());
        assertEquals(2, bySubspace.get("count").asInt());
        assertEquals(2, Stemma.run("attribute", "--store", store.toString(), "--run", "no-such-run"));
        assertEquals(2, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--method", "token-likelihood"),
                "token-likelihood needs pixels, which recorded probe generations do not keep");

        replayShouldReproduceRecordedProbes(store);
        attributeShouldReplayNewImagesIntoJsonAndReport(base, store);
        evaluateShouldScoreMethodsAndSayWhichBarsItMeasured(store);
        assertTrue(Files.isRegularFile(dir.resolve("run/adapter.stw")));
    }

    /** Base + stored factors, the probe's own noise slot: the recorded activations come back (float16 rounding aside). */
    private static void replayShouldReproduceRecordedProbes(Path store) {
        try (TrajectoryStore s = TrajectoryStore.openReadOnly(store);
             RunReplay replay = RunReplay.open(s, "recorded", null)) {
            StoredProbeTrajectories recorded = StoredProbeTrajectories.open(s, "recorded", Conditioning.NULL_TOKEN);
            List<ProbeSpec> probes = recorded.manifest().probes().stream()
                    .filter(p -> p.kind() == ProbeSpec.Kind.TRAINING_IMAGE).limit(3).toList();
            float[][] pixels = RunTrainingImages.pixels(RunTrainingImages.datasetSpec(recorded.manifest()),
                    probes.stream().map(ProbeSpec::imageId).toList(), 1);
            List<Trajectory> replayed = replay.trajectories(pixels, Collections.nCopies(probes.size(), null),
                    probes.stream().mapToInt(ProbeSpec::probeId).toArray(), recorded.channelList(), recorded.stepGrid(),
                    null);
            for (int i = 0; i < probes.size(); i++) {
                float[][][] want = recorded.trajectoryOf(probes.get(i).probeId()).values();
                float[][][] got = replayed.get(i).values();
                for (int c = 0; c < want.length; c++) {
                    for (int k = 0; k < want[c].length; k++) {
                        for (int j = 0; j < want[c][k].length; j++) {
                            float w = want[c][k][j];
                            assertEquals(w, got[c][k][j], 2e-3 * Math.max(1, Math.abs(w)),
                                    "probe " + probes.get(i).probeId() + " channel " + c + " step " + k + " value " + j);
                        }
                    }
                }
            }
        }
    }

    /** The fidelity judge shipped with the project (28x28 grayscale, like the test's tiny model). */
    private static final String SHIPPED_JUDGE = "../models/judge-fmnist";

    private void evaluateShouldScoreMethodsAndSayWhichBarsItMeasured(Path store) throws Exception {
        Path json = dir.resolve("evaluation.json");
        Path markdown = dir.resolve("evaluation.md");
        assertEquals(0, Stemma.run("evaluate", "--store", store.toString(), "--run", "recorded", "--generations", "2",
                "--mix-generations", "1", "--rank", "2", "--methods", "trajectory-cosine,knn-exact:pixels,concept-subspace,knn-exact:judge,token-likelihood",
                "--judge", SHIPPED_JUDGE, "--lds", "3", "--lds-dir", dir.resolve("lds").toString(), "--json", json.toString(),
                "--markdown", markdown.toString()));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, root.get("testImages").get("single").asInt() / 2, "2 generations of each of the 2 concepts");
        JsonNode settings = root.get("settings");
        assertTrue(settings.get(0).has("notMeasured"), "the run recorded no own-token probes: prompt-known is not measured");
        JsonNode contentOnly = settings.get(1);
        assertEquals(5, contentOnly.get("methods").size());
        for (JsonNode m : contentOnly.get("methods")) {
            double top1 = m.get("top1").get("estimate").asDouble();
            assertTrue(top1 >= 0 && top1 <= 1, "top-1 is a rate: " + m);
            JsonNode ldsNode = m.get("lds");
            boolean measured = ldsNode != null && ldsNode.hasNonNull("estimate");
            // token-likelihood too: every half keeps the same number of each concept's images, so the halves
            // differ only by the ranking within concepts (by the final activations)
            assertTrue(measured, "an LDS for " + m);
            double lds = ldsNode.get("estimate").asDouble();
            assertTrue(lds >= -1 && lds <= 1, "the LDS is a rank correlation: " + m);
        }
        double ceiling = root.get("ldsCeiling").get("estimate").asDouble();
        assertTrue(ceiling >= 0 && ceiling <= 1, "the measurement's ceiling is about a correlation: " + root.get("ldsCeiling"));
        assertTrue(Files.readString(markdown).contains("Measurement ceiling"), "the table says how far noise bounds the LDS");
        for (int half = 0; half < 3; half++) {
            assertTrue(Files.isRegularFile(dir.resolve("lds").resolve(String.format("half-%02d", half)).resolve("adapter.stw")),
                    "each half's retrained adapter is kept for a later run to reuse");
        }
        assertTrue(Files.readString(markdown).contains("NOT MET content-only")
                && Files.readString(markdown).contains("counterfactual LDS (M >= 16) >= 0.25 and >= 1.2x the best baseline, M = 3"),
                "3 halves are fewer than the bar asks for: the table says so");
        assertTrue(List.of("trajectory-cosine", "knn-exact:pixels", "concept-subspace", "knn-exact:judge", "token-likelihood")
                .contains(contentOnly.get("default").asText()));
        assertTrue(Files.readString(markdown).contains("| trajectory-cosine |") || Files.readString(markdown).contains("**trajectory-cosine**"));
        assertTrue(Files.readString(markdown).contains("| token-likelihood | baseline |")
                || Files.readString(markdown).contains("| **token-likelihood** | baseline |"), "token-likelihood is scored as a baseline");
        assertEquals(2, Stemma.run("evaluate", "--store", store.toString(), "--run", "recorded", "--methods", "nope"));
    }

    private void attributeShouldReplayNewImagesIntoJsonAndReport(Path base, Path store) throws Exception {
        Path adapter = dir.resolve("run/adapter.stw");
        Path images = dir.resolve("images");
        assertEquals(0, Stemma.run("sample", "--base", base.toString(), "--adapter", adapter.toString(), "--concept", "Bag",
                "--n", "2", "--steps", "4", "--out", images.toString()));
        Files.deleteIfExists(images.resolve("Bag_grid.png"));
        Path json = dir.resolve("new-images.json");
        Path html = dir.resolve("report.html");
        assertEquals(0, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--images",
                images.toString(), "--rank", "2", "--top", "2", "--json", json.toString(), "--html", html.toString()));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, root.get("count").asInt());
        assertEquals("content-only", root.get("setting").asText());
        for (JsonNode image : root.get("images")) {
            double sum = 0;
            for (JsonNode share : image.get("shares")) {
                sum += share.asDouble();
            }
            assertEquals(1.0, sum, 1e-3, "shares add up to 1: " + image);
            assertEquals(2, image.get("topTrainingImages").size());
        }
        String page = Files.readString(html);
        assertTrue(page.contains("Bag_0.png") && page.contains("data:image/png;base64,") && page.contains("<svg"),
                "the report shows the image, its top training images and its trajectory chart");
        assertTrue(!page.contains("src=\"http") && !page.contains("href=\"http"), "the report loads nothing from the network");

        Path pixelsJson = dir.resolve("pixels.json");
        assertEquals(0, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--images",
                images.resolve("Bag_0.png").toString(), "--method", "knn-exact:pixels", "--json", pixelsJson.toString()));
        assertEquals("knn-exact:pixels", new ObjectMapper().readTree(pixelsJson.toFile()).get("method").asText());
        Path judgeJson = dir.resolve("judge.json");
        assertEquals(0, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--images",
                images.resolve("Bag_0.png").toString(), "--method", "knn-exact:judge", "--judge", SHIPPED_JUDGE,
                "--json", judgeJson.toString()));
        JsonNode judged = new ObjectMapper().readTree(judgeJson.toFile());
        assertEquals("knn-exact:judge", judged.get("method").asText());
        assertEquals(1, judged.get("count").asInt());
        assertEquals(2, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--images",
                images.resolve("Bag_0.png").toString(), "--method", "knn-exact:judge", "--judge", dir.resolve("no-judge").toString()),
                "a judge directory that is not there is refused in one line");
        assertEquals(2, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--images",
                images.toString(), "--method", "no-such-method"));
        assertEquals(2, Stemma.run("attribute", "--store", store.toString(), "--run", "recorded", "--images",
                dir.resolve("missing.png").toString()));
    }
}
