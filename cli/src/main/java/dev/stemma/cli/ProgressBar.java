package dev.stemma.cli;

import java.util.Locale;

/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per tenth otherwise (logs
 * and CI stay readable).
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final String label;
    private final long total;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private int lastTenth = -1;
    private long done;

    ProgressBar(String label, long total) {
        this.label = label;
        this.total = Math.max(1, total);
    }

    /** Sets the count done so far. */
    synchronized void update(long value, String detail) {
        done = Math.min(value, total);
        int tenth = (int) (10 * done / total);
        String line = render(detail);
        if (terminal) {
            System.err.print("\r" + line);
        } else if (tenth != lastTenth) {
            lastTenth = tenth;
            Progress.log(line);
        }
        System.err.flush();
    }

    /** Adds one. */
    void step(String detail) {
        update(done + 1, detail);
    }

    private String render(String detail) {
        int filled = (int) (WIDTH * done / total);
        return String.format(Locale.ROOT, "%-22s [%s%s] %3d%%  %d/%d  %.0f s%s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), 100 * done / total, done, total, (System.nanoTime() - started) / 1e9,
                detail == null || detail.isEmpty() ? "" : "  " + detail);
    }

    @Override
    public synchronized void close() {
        if (terminal) {
            System.err.println();
        } else if (lastTenth != 10) {
            Progress.log(render(null));
        }
    }
}
