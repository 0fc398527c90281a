package dev.stemma.analyzer.replay;

import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.ImageDataset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pixels of a run's training images, found by id in the dataset its manifest names. The
 * dataset must still be where it was when the run was recorded (or be given in its place).
 */
public final class RunTrainingImages {
    private RunTrainingImages() {}

    /** The dataset spec the run was trained on. */
    public static String datasetSpec(RunManifest manifest) {
        if (manifest.datasetSha256().size() != 1) {
            throw new IllegalArgumentException("run " + manifest.runId() + " names " + manifest.datasetSha256().size()
                    + " datasets; give the one to read");
        }
        return manifest.datasetSha256().keySet().iterator().next();
    }

    /**
     * The pixels of {@code imageIds} in {@code spec}, with {@code channels} channels, in the given
     * order; fails naming the first id the dataset lacks.
     */
    public static float[][] pixels(String spec, List<String> imageIds, int channels) {
        ImageDataset ds = Datasets.withChannels(Datasets.open(spec), channels);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ds.size(); i++) {
            index.put(ds.imageId(i), i);
        }
        float[][] out = new float[imageIds.size()][];
        for (int k = 0; k < out.length; k++) {
            Integer i = index.get(imageIds.get(k));
            if (i == null) {
                throw new IllegalArgumentException("training image " + imageIds.get(k) + " is not in dataset " + spec);
            }
            out[k] = ds.pixels(i);
        }
        return out;
    }
}
