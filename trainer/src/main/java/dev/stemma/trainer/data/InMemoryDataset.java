package dev.stemma.trainer.data;

import java.util.List;

/** The one implementation of {@link ImageDataset}: what every reader produces. */
record InMemoryDataset(String source, List<String> classes, int channels, int height, int width,
                       int[] labels, String[] ids, float[][] images) implements ImageDataset {

    InMemoryDataset {
        classes = List.copyOf(classes);
        if (labels.length != ids.length || labels.length != images.length) {
            throw new IllegalStateException("labels, ids and images differ in length");
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public String imageId(int i) {
        return ids[i];
    }

    @Override
    public float[] pixels(int i) {
        return images[i];
    }
}
