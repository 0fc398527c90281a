package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.GradientConfig;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.gradient.FactorLayout;
import dev.stemma.analyzer.gradient.GradientReplayConfig;
import dev.stemma.analyzer.gradient.ReplayedGradients;
import dev.stemma.analyzer.gradient.StoredWeightUpdates;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.ProbeSpec;
import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.ImageDataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradient methods on a real recorded run: a tiny base customised with the agent through the
 * embedded broker into a store, then {@code tracin}, {@code weight-subspace} and its random control
 * built from the stored factors (updates and replayed per-example gradients).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GradientAttributionIT {
    private static final List<String> CONCEPTS = List.of("Shirt", "Bag");
    private static final int PER_CONCEPT = 4;
    private static final int STEPS = 10;

    @TempDir
    Path dir;

    @Test
    void shouldAttributeATrainingImageWithGradientMethodsBuiltFromTheStore() throws Exception {
        Path base = dir.resolve("base");
        assertEquals(0, Stemma.run("pretrain", "--data", TrainerCommandsIT.DATA, "--classes", "Trouser,Sandal", "--out",
                base.toString(), "--images-per-class", "10", "--channels", "8,16", "--steps", "3", "--batch", "4"));
        Path store = dir.resolve("store");
        Path adapter = dir.resolve("run/adapter.stw");
        assertEquals(0, Stemma.run("train", "--base", base.toString(), "--data", TrainerCommandsIT.DATA,
                "--concepts", String.join(",", CONCEPTS), "--images-per-concept", "" + PER_CONCEPT, "--prior-per-class", "1",
                "--steps", "" + STEPS, "--batch", "4", "--rank", "2", "--lr", "1e-2", "--run", "grads", "--out", adapter.toString(),
                "--store", store.toString(), "--activation-every", "100", "--generations-per-concept", "0", "--metrics-port", "0"));

        // the training images, as the trainer selected them (the replay package will find them from the manifest)
        ImageDataset images = Datasets.select(Datasets.withChannels(Datasets.open(TrainerCommandsIT.DATA), 1), CONCEPTS, PER_CONCEPT);
        List<String> ids = new ArrayList<>();
        List<TrainingItem> items = new ArrayList<>();
        float[][] pixels = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            ids.add(images.imageId(i));
            items.add(new TrainingItem(images.imageId(i), images.classes().get(images.label(i))));
            pixels[i] = images.pixels(i);
        }
        TrainingSet set = new TrainingSet(items);

        try (TrajectoryStore trajectories = TrajectoryStore.openReadOnly(store);
             StemmaModel model = StemmaModel.open(base, adapter)) {
            RunManifest manifest = trajectories.manifest("grads").orElseThrow();
            assertEquals(ids, manifest.probes().stream().filter(p -> p.kind() == ProbeSpec.Kind.TRAINING_IMAGE)
                    .map(ProbeSpec::imageId).toList(), "the images the run trained on");

            List<String> progress = new ArrayList<>();
            ReplayedGradients gradients = ReplayedGradients.replay(trajectories, "grads", model, ids, pixels, null,
                    GradientReplayConfig.defaults().withProgressEvery(Duration.ZERO), progress::add);
            FactorLayout layout = FactorLayout.loraFactors(manifest);
            assertEquals(layout, gradients.layout());
            assertTrue(layout.names().stream().noneMatch(n -> n.startsWith("tokens/")), layout.names().toString());
            assertArrayEquals(new long[] {2, 5, 7, 9}, gradients.checkpointSteps(), "4 steps spread over 0..9, ending at the last");
            StoredWeightUpdates updates = StoredWeightUpdates.open(trajectories, "grads", layout, 1);
            assertEquals(STEPS - 1, updates.rows());
            assertEquals(layout.columns(), updates.columns());

            Analyzer analyzer = Analyzer.builder("grads", set)
                    .gradients(gradients, updates, GradientConfig.defaults())
                    .build();
            assertFalse(progress.isEmpty(), "progress is reported while gradients stream");
            assertEquals(8, gradients.checkpoints(), "4 checkpoints x 2 timesteps kept apart");
            assertTrue(progress.get(0).startsWith("gradients 1/" + set.size() * 8), progress.get(0));

            int self = 5; // a Bag
            float[][] query = gradients.gradientsOf(pixels[self], null);
            assertEquals(8, query.length);
            for (String method : List.of(Analyzer.TRACIN, Analyzer.TRAK, Analyzer.WEIGHT_SUBSPACE, Analyzer.WEIGHT_SUBSPACE_RANDOM)) {
                Attribution a = analyzer.attribute(method, Query.empty().withGradients(query));
                assertEquals(1.0, Arrays.stream(a.shares()).sum(), 1e-6, method + " shares");
                assertTrue(Arrays.stream(a.shares()).allMatch(s -> s >= 0 && Double.isFinite(s)), method);
                float[] scores = a.imageScores();
                assertTrue(IntStream.range(0, scores.length).allMatch(i -> Float.isFinite(scores[i])), method + " scores "
                        + Arrays.toString(scores));
                if (method.equals(Analyzer.TRAK)) {
                    assertEquals(self, a.ranking()[0], "the image itself comes first for trak: " + Arrays.toString(scores));
                }
                if (method.equals(Analyzer.TRACIN)) {
                    int rank = IntStream.range(0, scores.length).map(i -> a.ranking()[i]).boxed().toList().indexOf(self);
                    assertTrue(rank < 3, "the image itself ranks " + rank + " for tracin: " + Arrays.toString(scores));
                    assertEquals(1f, scores[self], 1e-4f, "same image, same noise: the same gradients");
                }
            }
            assertTrue(analyzer.subspaces().get("weights").rank() >= 1);
        }
    }
}
