package dev.stemma.cli;

import dev.stemma.analyzer.eval.Retrainer;
import dev.stemma.analyzer.replay.RunTrainingImages;
import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.Pngs;
import dev.stemma.trainer.data.ConceptFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Retrains a recorded run's customisation on a subset of its training images with
 * {@code stemma train --no-agent}, passing the options its manifest recorded that shape the
 * customisation (LoRA, loop, prior, seed) and a {@code folder:} dataset of just the subset. A
 * subset whose adapter is already in the work directory, from the same image list, is reused, so
 * an interrupted LDS picks up where it stopped.
 */
final class SubsetRetrainer implements Retrainer {

    /** The {@code train} options that shape the customisation; the others (agent, Kafka, files) do not matter here. */
    static final List<String> CUSTOMISATION_OPTIONS = List.of("rank", "alpha", "steps", "batch", "lr", "warmup", "clip-norm",
            "seed", "condition-dropout", "prior-fraction", "prior-per-class", "token-lr-scale");

    private final RunManifest manifest;
    private final Path base;
    private final String dataSpec;
    private final int channels;
    private final int size;
    private final Path work;

    /**
     * @param base     the base model the run was trained on
     * @param dataSpec where the run's training images are
     * @param channels the model's image channels
     * @param size     the model's image side
     * @param work     a directory for the subsets' datasets and adapters
     */
    SubsetRetrainer(RunManifest manifest, Path base, String dataSpec, int channels, int size, Path work) {
        this.manifest = manifest;
        this.base = base;
        this.dataSpec = dataSpec;
        this.channels = channels;
        this.size = size;
        this.work = work;
    }

    @Override
    public Path retrain(String label, Map<String, List<String>> imageIdsByConcept) {
        Path dir = work.resolve(label);
        Path adapter = dir.resolve("adapter.stw");
        Path list = dir.resolve("images.txt");
        String wanted = imageIdsByConcept.toString() + "\n";
        try {
            if (Files.isRegularFile(adapter) && Files.isRegularFile(list) && Files.readString(list).equals(wanted)) {
                Progress.log("LDS: " + label + " was trained before on the same images; reusing " + adapter);
                return adapter;
            }
            Path data = dir.resolve("data");
            deleteRecursively(dir);
            List<String> concepts = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : imageIdsByConcept.entrySet()) {
                String folder = ConceptFolders.folderName(e.getKey());
                concepts.add(folder);
                Path conceptDir = Files.createDirectories(data.resolve(folder));
                float[][] pixels = RunTrainingImages.pixels(dataSpec, e.getValue(), channels);
                for (int i = 0; i < pixels.length; i++) {
                    Pngs.write(Pngs.toImage(pixels[i], channels, size, size),
                            conceptDir.resolve(Pngs.safeName(e.getValue().get(i)) + ".png"));
                }
            }
            List<String> args = new ArrayList<>(List.of("train", "--base", base.toString(), "--data", "folder:" + data,
                    "--concepts", String.join(",", concepts), "--images-per-concept", "0", "--run", manifest.runId() + "-" + label,
                    "--out", adapter.toString(), "--no-agent", "--metrics-port", "0"));
            for (String option : CUSTOMISATION_OPTIONS) {
                String value = manifest.config().get(option);
                if (value != null) {
                    args.add("--" + option);
                    args.add(value);
                }
            }
            int rc = Stemma.run(args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("retraining run " + manifest.runId() + " on " + label + " failed (exit " + rc + ")");
            }
            Files.writeString(list, wanted);
            return adapter;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the subset " + label + " under " + dir, e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
