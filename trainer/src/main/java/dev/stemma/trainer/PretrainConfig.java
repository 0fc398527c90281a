package dev.stemma.trainer;

import dev.stemma.trainer.model.UNetConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code stemma pretrain} does: train a base on {@code classes} of {@code dataSpec} (at most
 * {@code imagesPerClass} of each, 0 = all), with U-Net {@code channels}, into {@code out}.
 */
public record PretrainConfig(String dataSpec, List<String> classes, Path out, int imagesPerClass,
                             List<Integer> channels, LoopSettings loop, float emaDecay, boolean resume) {
    /** Fashion-MNIST's classes that the shipped base knows; Shirt, Sneaker, Bag, Ankle boot are held back. */
    public static final List<String> DEFAULT_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal");
    public static final int DEFAULT_IMAGES_PER_CLASS = 0;
    public static final float DEFAULT_EMA_DECAY = Ema.DEFAULT_DECAY;

    public PretrainConfig {
        classes = List.copyOf(classes);
        channels = List.copyOf(channels);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("--classes is empty");
        }
        if (imagesPerClass < 0) {
            throw new IllegalArgumentException("images per class " + imagesPerClass + " is negative");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("EMA decay " + emaDecay + " is outside [0, 1)");
        }
        java.util.Objects.requireNonNull(out, "out");
        java.util.Objects.requireNonNull(loop, "loop");
    }

    public static PretrainConfig defaults(String dataSpec, Path out) {
        return new PretrainConfig(dataSpec, DEFAULT_CLASSES, out, DEFAULT_IMAGES_PER_CLASS, UNetConfig.REFERENCE_CHANNELS,
                LoopSettings.pretrainDefaults(), DEFAULT_EMA_DECAY, false);
    }
}
