package dev.stemma.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Labelled images of one size, in memory: pixels in [-1, 1], channel-first (C, H, W). Each image
 * has a stable id (what batch records and probes name) and a class or concept name.
 */
public interface ImageDataset {

    /** What the spec named, for provenance and error messages. */
    String source();

    /** Class or concept names, in label order. */
    List<String> classes();

    int size();

    int channels();

    int height();

    int width();

    /** The label (index into {@link #classes()}) of image {@code i}. */
    int label(int i);

    /** The stable id of image {@code i}, unique in the dataset. */
    String imageId(int i);

    /** Image {@code i}: C*H*W floats in [-1, 1]; the caller must not change the array. */
    float[] pixels(int i);

    /** The indices of images of class {@code name}, in dataset order; empty if none. */
    default List<Integer> indicesOf(String name) {
        int label = classes().indexOf(name);
        List<Integer> out = new ArrayList<>();
        if (label < 0) {
            return out;
        }
        for (int i = 0; i < size(); i++) {
            if (label(i) == label) {
                out.add(i);
            }
        }
        return out;
    }

    /** The index of class {@code name}, or an IllegalArgumentException naming what exists. */
    default int requireClass(String name) {
        int label = classes().indexOf(name);
        if (label < 0) {
            throw new IllegalArgumentException("class or concept '" + name + "' is not in " + source()
                    + " (it has: " + String.join(", ", classes()) + ")");
        }
        return label;
    }
}
