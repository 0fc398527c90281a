package dev.stemma.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a dataset from its spec: {@code idx:DIR} (IDX files; the training split unless asked for the
 * test split) or {@code folder:DIR} (one sub-folder per class or concept). Errors are
 * IllegalArgumentExceptions of one line that name the file at fault.
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} installs its IDX files. */
    public static final Path SYSTEM_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** The subset shipped in the repository (500 training and 100 test images per class). */
    public static final Path SHIPPED_FASHION_MNIST = Path.of("data/fashion-mnist-subset");

    private Datasets() {}

    /** The full Fashion-MNIST when its package is installed, else the shipped subset. */
    public static String defaultSpec() {
        return "idx:" + (Files.isDirectory(SYSTEM_FASHION_MNIST) ? SYSTEM_FASHION_MNIST : SHIPPED_FASHION_MNIST);
    }

    /** Opens the training images of {@code spec}, all classes. */
    public static ImageDataset open(String spec) {
        return open(spec, false);
    }

    /** Opens {@code spec}; {@code testSplit} asks an IDX directory for its {@code t10k} files. */
    public static ImageDataset open(String spec, boolean testSplit) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("dataset spec is empty; expected idx:DIR or folder:DIR");
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        Path dir = Path.of(colon < 0 ? spec : spec.substring(colon + 1));
        return switch (kind) {
            case "idx" -> IdxReader.read(dir, testSplit ? IdxReader.Split.TEST : IdxReader.Split.TRAIN);
            case "folder" -> {
                if (testSplit) {
                    throw new IllegalArgumentException("dataset " + spec + " is a folder; only idx: datasets have a test split");
                }
                yield FolderReader.read(dir, List.of());
            }
            default -> throw new IllegalArgumentException("dataset spec '" + spec + "' is neither idx:DIR nor folder:DIR");
        };
    }

    /**
     * Reads image files, or every image directly inside the given directories, as pixels for a
     * model of {@code channels} x {@code size} x {@code size}; fails naming a missing, unreadable
     * or wrongly sized file.
     */
    public static LooseImages readImages(List<Path> filesOrDirs, int channels, int size) {
        return FolderReader.readFiles(filesOrDirs, channels, size);
    }

    /**
     * The images of {@code classes} only, relabelled in that order, at most {@code perClass} of each
     * (the first ones, in dataset order; 0 means all). Fails naming a class that is missing or empty.
     */
    public static ImageDataset select(ImageDataset ds, List<String> classes, int perClass) {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no classes or concepts given");
        }
        if (perClass < 0) {
            throw new IllegalArgumentException("images per class " + perClass + " is negative");
        }
        List<Integer> labels = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<float[]> images = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            String name = classes.get(c);
            if (classes.subList(0, c).contains(name)) {
                throw new IllegalArgumentException("class or concept '" + name + "' is given twice");
            }
            ds.requireClass(name);
            List<Integer> idx = ds.indicesOf(name);
            if (idx.isEmpty()) {
                throw new IllegalArgumentException("class or concept '" + name + "' has no images in " + ds.source());
            }
            int n = perClass == 0 ? idx.size() : Math.min(perClass, idx.size());
            for (int k = 0; k < n; k++) {
                int i = idx.get(k);
                labels.add(c);
                ids.add(ds.imageId(i));
                images.add(ds.pixels(i));
            }
        }
        return new InMemoryDataset(ds.source(), classes, ds.channels(), ds.height(), ds.width(),
                labels.stream().mapToInt(Integer::intValue).toArray(), ids.toArray(String[]::new),
                images.toArray(float[][]::new));
    }

    /** The same images with {@code channels} channels: RGB to luminance, or grayscale replicated. */
    public static ImageDataset withChannels(ImageDataset ds, int channels) {
        if (ds.channels() == channels) {
            return ds;
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images must have 1 or 3 channels, not " + channels);
        }
        int hw = ds.height() * ds.width();
        float[][] images = new float[ds.size()][];
        int[] labels = new int[ds.size()];
        String[] ids = new String[ds.size()];
        for (int i = 0; i < ds.size(); i++) {
            float[] src = ds.pixels(i);
            float[] dst = new float[channels * hw];
            for (int k = 0; k < hw; k++) {
                if (channels == 1) {
                    dst[k] = 0.299f * src[k] + 0.587f * src[hw + k] + 0.114f * src[2 * hw + k];
                } else {
                    dst[k] = src[k];
                    dst[hw + k] = src[k];
                    dst[2 * hw + k] = src[k];
                }
            }
            images[i] = dst;
            labels[i] = ds.label(i);
            ids[i] = ds.imageId(i);
        }
        return new InMemoryDataset(ds.source(), ds.classes(), channels, ds.height(), ds.width(), labels, ids, images);
    }
}
