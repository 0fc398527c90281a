package dev.stemma.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads an IDX directory: {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}
 * and the {@code t10k-} pair for the test split. Class names come from {@code classes.txt} (one a
 * line) when present, else Fashion-MNIST's names when the directory is named like it, else the
 * label numbers.
 */
final class IdxReader {
    static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    static ImageDataset read(Path dir, Split split) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("IDX directory " + dir + " does not exist");
        }
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
        int[] labels = readLabels(labelsFile);
        int maxLabel = 0;
        for (int l : labels) {
            maxLabel = Math.max(maxLabel, l);
        }
        List<String> classes = classNames(dir, maxLabel + 1);
        try (DataInputStream in = open(imagesFile)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IllegalArgumentException(imagesFile + " is not an IDX image file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x803)");
            }
            int n = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            if (n != labels.length) {
                throw new IllegalArgumentException(imagesFile + " holds " + n + " images but " + labelsFile + " holds "
                        + labels.length + " labels");
            }
            if (n <= 0 || h <= 0 || w <= 0 || (long) h * w > 1 << 20) {
                throw new IllegalArgumentException(imagesFile + " has an invalid header (" + n + " images of " + h + "x" + w + ")");
            }
            float[][] images = new float[n][];
            String[] ids = new String[n];
            byte[] buf = new byte[h * w];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                float[] px = new float[h * w];
                for (int k = 0; k < px.length; k++) {
                    px[k] = (buf[k] & 0xff) / 127.5f - 1f;
                }
                images[i] = px;
                ids[i] = prefix + "/" + i;
            }
            return new InMemoryDataset("idx:" + dir + (split == Split.TEST ? " (test split)" : ""), classes, 1, h, w,
                    labels, ids, images);
        } catch (EOFException e) {
            throw new IllegalArgumentException(imagesFile + " is truncated");
        } catch (IOException e) {
            throw new IllegalArgumentException(imagesFile + " cannot be read: " + e.getMessage());
        }
    }

    private static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IllegalArgumentException(file + " is not an IDX label file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x801)");
            }
            int n = in.readInt();
            if (n <= 0) {
                throw new IllegalArgumentException(file + " declares " + n + " labels");
            }
            byte[] raw = new byte[n];
            in.readFully(raw);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " is truncated");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
        }
    }

    private static List<String> classNames(Path dir, int count) {
        Path names = dir.resolve("classes.txt");
        if (Files.isRegularFile(names)) {
            try {
                List<String> lines = new ArrayList<>();
                for (String line : Files.readAllLines(names, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        lines.add(line.strip());
                    }
                }
                if (lines.size() < count) {
                    throw new IllegalArgumentException(names + " names " + lines.size() + " classes, the labels need " + count);
                }
                return lines;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String dirName = dir.toAbsolutePath().normalize().toString().toLowerCase(java.util.Locale.ROOT);
        if (dirName.contains("fashion") && count <= FASHION_MNIST.size()) {
            return FASHION_MNIST;
        }
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add(Integer.toString(i));
        }
        return numbers;
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("IDX directory " + dir + " has no " + base + " (nor " + base + ".gz)");
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                raw = new GZIPInputStream(raw, 1 << 16);
            } catch (IOException e) {
                raw.close();
                throw new IllegalArgumentException(file + " is not valid gzip: " + e.getMessage());
            }
        }
        return new DataInputStream(raw);
    }

    /** Which half of an IDX directory. */
    enum Split { TRAIN, TEST }
}
