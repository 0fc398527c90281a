package dev.stemma.protocol;

import java.util.regex.Pattern;

/**
 * Run identifiers. They name directories, Kafka keys and RocksDB key prefixes, so they are
 * limited to 1 to 128 characters of {@code [A-Za-z0-9._-]}, and may not start with a dot.
 */
public final class RunIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private RunIds() {}

    /** Whether {@code runId} is a valid run id. */
    public static boolean isValid(String runId) {
        return runId != null && VALID.matcher(runId).matches();
    }

    /**
     * Returns {@code runId} unchanged if valid.
     *
     * @throws IllegalArgumentException naming the id and the rule it breaks
     */
    public static String requireValid(String runId) {
        if (!isValid(runId)) {
            throw new IllegalArgumentException("invalid run id '" + runId
                    + "': expected 1 to 128 characters of A-Z a-z 0-9 . _ - not starting with '.'");
        }
        return runId;
    }
}
