package dev.stemma.cli;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines of long commands, on stderr with the time of day. */
final class Progress {
    private Progress() {}

    static void log(String line) {
        System.err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
        System.err.flush();
    }
}
