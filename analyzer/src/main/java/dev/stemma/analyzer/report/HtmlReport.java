package dev.stemma.analyzer.report;

import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.ScoredItem;
import dev.stemma.trainer.Pngs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes the attribution report: for each image, the image, its concept shares as bars, its top
 * training images with their scores, and its trajectory against its concepts' (the cosine of
 * its representation drift with each concept's mean drift, step by step). Self-contained: no
 * external script, style or image.
 */
public final class HtmlReport {
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    /** What the report shows of one image. */
    public record Entry(String name, float[] pixels, String note, Attribution attribution, List<Thumb> topImages,
                        long[] steps, Map<String, double[]> driftAgainstConcepts) {
        public Entry {
            topImages = List.copyOf(topImages);
        }
    }

    /** A top training image: its score and pixels (null when the dataset is not at hand). */
    public record Thumb(ScoredItem item, float[] pixels) {
    }

    private final String title;
    private final List<String> header;
    private final int channels;
    private final int size;
    private final List<Entry> entries = new ArrayList<>();

    /** A report titled {@code title}, with provenance lines under it, for images of this shape. */
    public HtmlReport(String title, List<String> header, int channels, int size) {
        this.title = title;
        this.header = List.copyOf(header);
        this.channels = channels;
        this.size = size;
    }

    /** Adds one image's section. */
    public HtmlReport add(Entry entry) {
        entries.add(entry);
        return this;
    }

    /** Writes the page to {@code file}. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    /** The page as text. */
    public String render() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
                        + "section{border-top:1px solid #ddd;padding:12px 0;display:flex;gap:24px;flex-wrap:wrap}"
                        + "img.px{image-rendering:pixelated}.bar{height:14px;display:inline-block;vertical-align:middle}"
                        + "table{border-collapse:collapse}td{padding:1px 6px}.low{color:#b00;font-weight:bold}"
                        + ".thumbs{display:flex;gap:6px}.thumbs figure{margin:0;text-align:center;font-size:11px}"
                        + "h1{font-size:20px}h2{font-size:15px;margin:0 0 6px}</style></head><body>\n<h1>")
                .append(esc(title)).append("</h1>\n");
        for (String line : header) {
            h.append("<div>").append(esc(line)).append("</div>\n");
        }
        for (Entry e : entries) {
            section(h, e);
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private void section(StringBuilder h, Entry e) {
        Attribution a = e.attribution();
        String shortName = e.name().substring(Math.max(e.name().lastIndexOf('/'), e.name().lastIndexOf('\\')) + 1);
        h.append("<section><div><h2 title=\"").append(esc(e.name())).append("\">").append(esc(shortName)).append("</h2>");
        if (e.pixels() != null) {
            h.append(img(e.pixels(), 112));
        }
        if (e.note() != null) {
            h.append("<div>").append(esc(e.note())).append("</div>");
        }
        h.append("</div><div><h2>Concept shares</h2><table>");
        List<String> concepts = a.concepts();
        double[] shares = a.shares();
        for (int c = 0; c < concepts.size(); c++) {
            h.append("<tr><td>").append(esc(concepts.get(c))).append("</td><td><span class=\"bar\" style=\"width:")
                    .append(Math.round(shares[c] * 240)).append("px;background:").append(colour(c)).append("\"></span> ")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * shares[c])).append("</td></tr>");
        }
        h.append("</table><div").append(a.confidence().low() ? " class=\"low\"" : "").append(">confidence ")
                .append(String.format(Locale.ROOT, "%.2f", a.confidence().value()))
                .append(a.confidence().low() ? " (low: do not rely on this answer)" : "").append("</div><div>method ")
                .append(esc(a.method())).append(", run ").append(esc(a.run())).append("</div></div>");
        h.append("<div><h2>Top training images</h2><div class=\"thumbs\">");
        for (Thumb t : e.topImages()) {
            h.append("<figure>").append(t.pixels() == null ? "" : img(t.pixels(), 56)).append("<figcaption>")
                    .append(esc(t.item().concept())).append("<br>").append(esc(t.item().id())).append("<br>")
                    .append(String.format(Locale.ROOT, "%.3f", t.item().score())).append("</figcaption></figure>");
        }
        h.append("</div></div>");
        if (e.steps() != null && e.driftAgainstConcepts() != null && !e.driftAgainstConcepts().isEmpty()) {
            h.append("<div><h2>Trajectory against the concepts'</h2>").append(chart(e.steps(), e.driftAgainstConcepts(), concepts))
                    .append("<div style=\"font-size:11px\">cosine of the image's representation drift with each concept's mean"
                            + " drift (both centred on the concepts' average), per recorded step</div></div>");
        }
        h.append("</section>\n");
    }

    private String chart(long[] steps, Map<String, double[]> curves, List<String> concepts) {
        int w = 320;
        int ht = 140;
        int pad = 28;
        long s0 = steps[0];
        long s1 = Math.max(steps[steps.length - 1], s0 + 1);
        StringBuilder svg = new StringBuilder("<svg width=\"" + w + "\" height=\"" + ht + "\" viewBox=\"0 0 " + w + " " + ht
                + "\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.append("<rect x=\"").append(pad).append("\" y=\"4\" width=\"").append(w - pad - 4).append("\" height=\"")
                .append(ht - pad - 4).append("\" fill=\"none\" stroke=\"#ccc\"/>");
        svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"12\" font-size=\"10\">1</text><text x=\"2\" y=\"%d\" font-size=\"10\">-1</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"10\">step %d</text><text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%d</text>",
                ht - pad, pad, ht - 10, s0, w - 4, ht - 10, s1));
        for (int c = 0; c < concepts.size(); c++) {
            double[] v = curves.get(concepts.get(c));
            if (v == null) {
                continue;
            }
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < v.length && k < steps.length; k++) {
                double x = pad + (w - pad - 4) * (double) (steps[k] - s0) / (s1 - s0);
                double y = 4 + (ht - pad - 4) * (1 - (Math.max(-1, Math.min(1, v[k])) + 1) / 2);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour(c)).append("\" points=\"")
                    .append(pts).append("\"><title>").append(esc(concepts.get(c))).append("</title></polyline>");
        }
        return svg.append("</svg>").toString();
    }

    private String img(float[] pixels, int px) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(Pngs.toImage(pixels, channels, size, size), "png", out);
            return "<img class=\"px\" width=\"" + px + "\" height=\"" + px + "\" alt=\"\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(out.toByteArray()) + "\">";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
