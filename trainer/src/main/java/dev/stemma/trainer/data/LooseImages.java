package dev.stemma.trainer.data;

import java.util.List;

/**
 * Images read from files rather than from a dataset: what a user hands the analyzer.
 *
 * @param names  file names, in order
 * @param paths  the files as given, in order
 * @param pixels CHW pixels in [-1, 1], one row per file
 */
public record LooseImages(List<String> names, List<String> paths, float[][] pixels) {
    public LooseImages {
        names = List.copyOf(names);
        paths = List.copyOf(paths);
        if (names.size() != pixels.length || paths.size() != pixels.length) {
            throw new IllegalArgumentException(names.size() + " names for " + pixels.length + " images");
        }
    }

    /** How many images. */
    public int size() {
        return pixels.length;
    }
}
