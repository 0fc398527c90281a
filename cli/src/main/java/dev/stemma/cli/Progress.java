package dev.stemma.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines of long commands, on stderr with the time of day. */
final class Progress {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Progress() {}

    static void log(String line) {
        System.err.println(LocalTime.now().format(TIME) + " " + line);
        System.err.flush();
    }
}
