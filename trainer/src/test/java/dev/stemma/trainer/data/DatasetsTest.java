package dev.stemma.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class DatasetsTest {
    static final String SUBSET = "idx:../data/fashion-mnist-subset";

    @TempDir
    Path dir;

    @Test
    void shouldReadShippedFashionMnistSubsetWithClassNames() {
        ImageDataset train = Datasets.open(SUBSET);
        assertEquals(5000, train.size());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"), train.classes());
        assertEquals(1, train.channels());
        assertEquals(28, train.height());
        assertEquals(500, train.indicesOf("Shirt").size());
        for (float v : train.pixels(0)) {
            assertTrue(v >= -1f && v <= 1f);
        }
        assertEquals(1000, Datasets.open(SUBSET, true).size());
    }

    @Test
    void shouldSelectClassesInGivenOrderWithAtMostNEach() {
        ImageDataset sel = Datasets.select(Datasets.open(SUBSET), List.of("Bag", "Shirt"), 3);
        assertEquals(List.of("Bag", "Shirt"), sel.classes());
        assertEquals(6, sel.size());
        assertEquals(0, sel.label(0));
        assertEquals(1, sel.label(5));
    }

    @Test
    void shouldReadGrayscaleAndRgbFolders() throws IOException {
        writePng(dir.resolve("gray/a/1.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        writePng(dir.resolve("gray/b/1.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        ImageDataset gray = Datasets.open("folder:" + dir.resolve("gray"));
        assertEquals(1, gray.channels());
        assertEquals(List.of("a", "b"), gray.classes());
        assertEquals("a/1.png", gray.imageId(0));

        writePng(dir.resolve("rgb/c/1.png"), 32, 32, BufferedImage.TYPE_INT_RGB);
        writePng(dir.resolve("rgb/c/2.jpg"), 32, 32, BufferedImage.TYPE_INT_RGB);
        ImageDataset rgb = Datasets.open("folder:" + dir.resolve("rgb"));
        assertEquals(3, rgb.channels());
        assertEquals(32, rgb.width());
        assertEquals(2, rgb.size());
        assertEquals(3 * 32 * 32, rgb.pixels(1).length);
        assertEquals(1, Datasets.withChannels(rgb, 1).channels());
    }

    @Test
    void shouldRejectMissingFolderEmptyConceptCorruptImageAndMixedSizesNamingTheFile() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("folder:" + dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("does not exist"), missing.getMessage());

        Files.createDirectories(dir.resolve("empty/x"));
        writePng(dir.resolve("empty/y/1.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("folder:" + dir.resolve("empty")));
        assertTrue(empty.getMessage().contains("'x' is empty"), empty.getMessage());

        writePng(dir.resolve("corrupt/a/good.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Files.write(dir.resolve("corrupt/a/bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        IllegalArgumentException corrupt = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("folder:" + dir.resolve("corrupt")));
        assertTrue(corrupt.getMessage().contains("bad.png"), corrupt.getMessage());

        writePng(dir.resolve("mixed/a/1.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        writePng(dir.resolve("mixed/a/2.png"), 32, 32, BufferedImage.TYPE_BYTE_GRAY);
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open("folder:" + dir.resolve("mixed")));
        assertTrue(mixed.getMessage().contains("mixed image sizes") && mixed.getMessage().contains("a/2.png"),
                mixed.getMessage());
        assertTrue(!mixed.getMessage().contains("\n"));
    }

    @Test
    void shouldRejectTruncatedIdxAndUnknownSpecsAndClasses() throws IOException {
        Path idx = dir.resolve("idx");
        Files.createDirectories(idx);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(idx.resolve("train-images-idx3-ubyte.gz")))) {
            out.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3});
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(idx.resolve("train-labels-idx1-ubyte.gz")))) {
            out.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 0, 1});
        }
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class, () -> Datasets.open("idx:" + idx));
        assertTrue(truncated.getMessage().contains("train-images-idx3-ubyte.gz is truncated"), truncated.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.open("zip:" + idx));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Datasets.select(Datasets.open(SUBSET), List.of("Hat"), 0));
        assertTrue(unknown.getMessage().contains("'Hat'"), unknown.getMessage());
    }

    public static void writePng(Path file, int w, int h, int type) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage im = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, ((x * 8) & 0xff) << 16 | ((y * 8) & 0xff) << 8 | 0x40);
            }
        }
        String name = file.getFileName().toString();
        ImageIO.write(im, name.endsWith(".jpg") ? "jpg" : "png", file.toFile());
    }
}
