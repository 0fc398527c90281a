package dev.stemma.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Kafka topic names and record keys.
 *
 * <p>Every record of a run is keyed by its run id, so a run's manifest, steps and end record
 * stay in one partition in the order the agent sent them: the collector can check each step
 * against the manifest that precedes it, and collectors of one group share the load run by
 * run. One partition carries a run at well over the rate the agent produces (a few MB/s).
 */
public final class Topics {
    /** Where agents publish run records. */
    public static final String SNAPSHOTS = "stemma.snapshots";
    /** Where collectors put records they could not store, with the reason in a header. */
    public static final String DEAD_LETTER = "stemma.deadletter";
    /** Dead-letter header: the {@link MalformedRecordException.Reason}. */
    public static final String REASON_HEADER = "stemma.reason";
    /** Dead-letter header: the one-line error message. */
    public static final String ERROR_HEADER = "stemma.error";

    private Topics() {}

    /** The Kafka key of a record: its run id in UTF-8. */
    public static byte[] key(StemmaRecord record) {
        return key(record.runId());
    }

    /** The Kafka key of every record of {@code runId}. */
    public static byte[] key(String runId) {
        return RunIds.requireValid(runId).getBytes(StandardCharsets.UTF_8);
    }
}
