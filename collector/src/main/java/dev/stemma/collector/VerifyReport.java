package dev.stemma.collector;

import java.util.Optional;

/**
 * What {@code verify} found for one run.
 *
 * @param runId           the run
 * @param steps           how many step records were checked
 * @param firstMismatch   the first record that differs from the stored chain, described in one line; empty if none
 * @param finalDigestHex  the digest recomputed from the stored records (hex), which an auditor compares with the agent's
 * @param endDigestHex    the digest the agent sent in its end-of-run record, if the store has one
 * @param endStepCount    the step count the end-of-run record states, or -1 without one
 */
public record VerifyReport(String runId, long steps, Optional<String> firstMismatch, String finalDigestHex,
                           Optional<String> endDigestHex, long endStepCount) {

    /** Whether the end-of-run record is present and its digest equals the recomputed one. */
    public boolean endDigestMatches() {
        return endDigestHex.map(finalDigestHex::equals).orElse(false);
    }

    /** Whether every record matches its chain link and, when the end record is present, its digest matches. */
    public boolean passed() {
        return firstMismatch.isEmpty() && (endDigestHex.isEmpty() || endDigestMatches());
    }
}
