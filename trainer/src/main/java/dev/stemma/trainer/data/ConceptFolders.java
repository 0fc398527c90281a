package dev.stemma.trainer.data;

import dev.stemma.trainer.Pngs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a customisation set as a {@code folder:} dataset: {@code perConcept} images of each
 * concept, plus {@code micro} micro-concepts of {@code microSize} images each, taken from the
 * concepts' images after the ones used (micro-concept j from concept j mod #concepts), so that
 * no image is in two concepts. Micro-concepts are what the within-concept evaluation measures
 * (any concept of 1 to 4 images); writing them as plain folders keeps every later step on the
 * same path as a user's own folder dataset.
 */
public final class ConceptFolders {
    /** Largest micro-concept, as the evaluation defines it. */
    public static final int MAX_MICRO_SIZE = 4;

    private ConceptFolders() {}

    /**
     * Parses a micro-concept spec {@code NxK} (N micro-concepts of K images; {@code 0x0} for none)
     * into {N, K}; the counts are checked by {@link #write}.
     */
    public static int[] parseMicro(String spec) {
        String[] nk = spec.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (nk.length != 2) {
                throw new NumberFormatException();
            }
            return new int[] {Integer.parseInt(nk[0].trim()), Integer.parseInt(nk[1].trim())};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("micro-concepts '" + spec + "' is not NxK, e.g. 4x2");
        }
    }

    /** The folder name of a concept: file-name safe. */
    public static String folderName(String concept) {
        return Pngs.safeName(concept);
    }

    /**
     * Writes the folders under {@code out} (which must not exist or be empty) and returns the
     * concept names in training order: the concepts' folder names, then the micro-concepts'.
     */
    public static List<String> write(ImageDataset all, List<String> concepts, int perConcept, int micro, int microSize,
                                     Path out) throws IOException {
        if (perConcept < 1) {
            throw new IllegalArgumentException("images per concept " + perConcept + " must be at least 1");
        }
        if (micro < 0 || (micro > 0 && (microSize < 1 || microSize > MAX_MICRO_SIZE))) {
            throw new IllegalArgumentException("micro-concepts " + micro + "x" + microSize + ": need a count >= 0 and 1 to "
                    + MAX_MICRO_SIZE + " images each");
        }
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("output folder " + out + " is not empty");
                }
            }
        }
        List<String> names = new ArrayList<>();
        int[] used = new int[concepts.size()];
        for (int c = 0; c < concepts.size(); c++) {
            List<Integer> idx = all.indicesOf(concepts.get(c));
            if (idx.size() < perConcept) {
                throw new IllegalArgumentException("concept '" + concepts.get(c) + "' has " + idx.size() + " images, fewer than "
                        + perConcept);
            }
            String name = folderName(concepts.get(c));
            writeImages(all, idx.subList(0, perConcept), out.resolve(name));
            used[c] = perConcept;
            names.add(name);
        }
        for (int j = 0; j < micro; j++) {
            int c = j % concepts.size();
            List<Integer> idx = all.indicesOf(concepts.get(c));
            if (idx.size() < used[c] + microSize) {
                throw new IllegalArgumentException("concept '" + concepts.get(c) + "' has too few images left for micro-concept "
                        + (j + 1));
            }
            String name = "micro-" + folderName(concepts.get(c)) + "-" + (j + 1);
            writeImages(all, idx.subList(used[c], used[c] + microSize), out.resolve(name));
            used[c] += microSize;
            names.add(name);
        }
        return names;
    }

    private static void writeImages(ImageDataset all, List<Integer> indices, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i : indices) {
            String file = Pngs.safeName(all.imageId(i)) + ".png";
            Pngs.write(Pngs.toImage(all.pixels(i), all.channels(), all.height(), all.width()), dir.resolve(file));
        }
    }
}
