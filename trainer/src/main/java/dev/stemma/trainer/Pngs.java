package dev.stemma.trainer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes images in [-1, 1] (C, H, W) as PNG files, one by one or as a grid. */
public final class Pngs {
    private Pngs() {}

    public static BufferedImage toImage(float[] chw, int c, int h, int w) {
        BufferedImage im = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int hw = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = level(chw[y * w + x]);
                int g = c == 1 ? r : level(chw[hw + y * w + x]);
                int b = c == 1 ? r : level(chw[2 * hw + y * w + x]);
                if (c == 1) {
                    im.getRaster().setSample(x, y, 0, r);
                } else {
                    im.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return im;
    }

    private static int level(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
    }

    public static void write(BufferedImage im, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!ImageIO.write(im, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }

    /** Rows of images (each row a list of CHW arrays), scaled up by {@code zoom}, 2-pixel gaps. */
    public static BufferedImage grid(java.util.List<java.util.List<float[]>> rows, int c, int h, int w, int zoom) {
        int cols = rows.stream().mapToInt(java.util.List::size).max().orElse(0);
        int gap = 2;
        BufferedImage out = new BufferedImage(cols * (w * zoom + gap) + gap, rows.size() * (h * zoom + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int r = 0; r < rows.size(); r++) {
            for (int k = 0; k < rows.get(r).size(); k++) {
                BufferedImage im = toImage(rows.get(r).get(k), c, h, w);
                g.drawImage(im, gap + k * (w * zoom + gap), gap + r * (h * zoom + gap), w * zoom, h * zoom, null);
            }
        }
        g.dispose();
        return out;
    }

    /** A file-name-safe form of a class or concept name ("T-shirt/top" becomes "T-shirt_top"). */
    public static String safeName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]+", "_");
    }
}
