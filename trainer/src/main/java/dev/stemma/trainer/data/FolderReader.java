package dev.stemma.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads {@code root/<concept>/<image>.png|.jpg|.jpeg}. Images are grayscale (1 channel) when every
 * image is grayscale, else RGB (3 channels; grayscale ones are replicated). All must share one size.
 */
final class FolderReader {

    private FolderReader() {}

    /** Reads the named concepts, or every sub-folder (sorted by name) when {@code concepts} is empty. */
    static ImageDataset read(Path root, List<String> concepts) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("image folder " + root + " does not exist");
        }
        List<String> names = concepts.isEmpty() ? subFolders(root) : concepts;
        if (names.isEmpty()) {
            throw new IllegalArgumentException("image folder " + root + " has no concept sub-folders");
        }
        List<BufferedImage> images = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            Path dir = root.resolve(names.get(c));
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("concept '" + names.get(c) + "' has no folder " + dir);
            }
            List<Path> files = imageFiles(dir);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("concept '" + names.get(c) + "' is empty: " + dir
                        + " holds no .png, .jpg or .jpeg image");
            }
            for (Path f : files) {
                images.add(decode(f));
                ids.add(names.get(c) + "/" + f.getFileName());
                labels.add(c);
            }
        }
        BufferedImage first = images.get(0);
        int h = first.getHeight();
        int w = first.getWidth();
        boolean colour = false;
        for (int i = 0; i < images.size(); i++) {
            BufferedImage im = images.get(i);
            if (im.getHeight() != h || im.getWidth() != w) {
                throw new IllegalArgumentException("mixed image sizes in " + root + ": " + ids.get(i) + " is "
                        + im.getWidth() + "x" + im.getHeight() + ", " + ids.get(0) + " is " + w + "x" + h);
            }
            colour |= im.getColorModel().getNumColorComponents() > 1;
        }
        int channels = colour ? 3 : 1;
        float[][] pixels = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            pixels[i] = toPixels(images.get(i), channels);
        }
        return new InMemoryDataset("folder:" + root, names, channels, h, w,
                labels.stream().mapToInt(Integer::intValue).toArray(), ids.toArray(String[]::new), pixels);
    }

    /**
     * Reads loose images (files, or every image directly in a directory, sorted) as
     * {@code channels} x {@code size} x {@code size} pixels in [-1, 1]; names are the file names.
     */
    static LooseImages readFiles(List<Path> filesOrDirs, int channels, int size) {
        List<Path> files = new ArrayList<>();
        for (Path p : filesOrDirs) {
            if (Files.isDirectory(p)) {
                List<Path> inside = imageFiles(p);
                if (inside.isEmpty()) {
                    throw new IllegalArgumentException("folder " + p + " holds no .png, .jpg or .jpeg image");
                }
                files.addAll(inside);
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IllegalArgumentException("image " + p + " does not exist");
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no images given");
        }
        List<String> names = new ArrayList<>();
        float[][] pixels = new float[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            BufferedImage im = decode(f);
            if (im.getWidth() != size || im.getHeight() != size) {
                throw new IllegalArgumentException("image " + f + " is " + im.getWidth() + "x" + im.getHeight()
                        + "; the model takes " + size + "x" + size);
            }
            names.add(f.getFileName().toString());
            pixels[i] = toPixels(im, channels);
        }
        return new LooseImages(List.copyOf(names), files.stream().map(Path::toString).toList(), pixels);
    }

    static float[] toPixels(BufferedImage im, int channels) {
        int h = im.getHeight();
        int w = im.getWidth();
        float[] px = new float[channels * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = im.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (channels == 1) {
                    px[y * w + x] = r / 127.5f - 1f; // grayscale images have r == g == b
                } else {
                    px[y * w + x] = r / 127.5f - 1f;
                    px[h * w + y * w + x] = g / 127.5f - 1f;
                    px[2 * h * w + y * w + x] = b / 127.5f - 1f;
                }
            }
        }
        return px;
    }

    private static BufferedImage decode(Path f) {
        try {
            BufferedImage im = ImageIO.read(f.toFile());
            if (im == null) {
                throw new IllegalArgumentException("image " + f + " is not a readable PNG or JPEG");
            }
            return im;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith("image ")) {
                throw iae;
            }
            throw new IllegalArgumentException("image " + f + " is corrupt or unreadable: " + e.getMessage());
        }
    }

    private static List<Path> imageFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
            }).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("folder " + dir + " cannot be listed: " + e.getMessage());
        }
    }

    private static List<String> subFolders(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("folder " + root + " cannot be listed: " + e.getMessage());
        }
    }
}
