package dev.stemma.trainer;

import dev.stemma.trainer.model.LoraSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A tiny base (channels 8/16) pretrained for a few steps on the shipped subset: what trainer tests customise. */
final class TinyBase {
    static final String SUBSET = "idx:../data/fashion-mnist-subset";
    static final List<String> CLASSES = List.of("Trouser", "Sandal");

    private TinyBase() {}

    static Path pretrain(Path dir) throws IOException {
        LoopSettings loop = new LoopSettings(6, 8, 1e-3f, 2, 1f, 3, 0.1, 0);
        PretrainConfig cfg = new PretrainConfig(SUBSET, CLASSES, dir, 20, List.of(8, 16), loop, 0.9f, false);
        StemmaTrainer.pretrain(cfg, line -> { });
        return dir;
    }

    /** A short customisation of {@code concepts} with small prior preservation. */
    static CustomiseConfig customise(Path base, String data, List<String> concepts, Path adapter, int steps) {
        return new CustomiseConfig(base, data, concepts, "test-run", adapter, 4, new LoraSpec(2, 4f),
                new LoopSettings(steps, 6, 1e-3f, 2, 1f, 11, 0.1, 0), 0.25, 1, 10f, false);
    }
}
