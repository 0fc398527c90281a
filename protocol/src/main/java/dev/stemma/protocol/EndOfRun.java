package dev.stemma.protocol;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The last record of a run: how many steps it recorded, how it ended, and the final digest
 * of the run's hash chain ({@link dev.stemma.protocol.integrity.HashChain}), which an auditor
 * compares with the digest {@code stemma verify} recomputes from the store.
 */
public record EndOfRun(String runId, long stepCount, Status status, Instant endTime, byte[] finalDigest)
        implements StemmaRecord {

    /** How the run ended. */
    public enum Status {
        COMPLETED(0), FAILED(1), CANCELLED(2);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Status fromCode(int code) throws MalformedRecordException {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new MalformedRecordException(MalformedRecordException.Reason.INVALID_VALUE, "unknown run status " + code);
        }
    }

    /** Length of a digest in bytes (SHA-256). */
    public static final int DIGEST_BYTES = 32;

    public EndOfRun {
        RunIds.requireValid(runId);
        if (stepCount < 0) {
            throw new IllegalArgumentException("step count " + stepCount + " is negative");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(endTime, "endTime");
        if (finalDigest == null || finalDigest.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("final digest must be " + DIGEST_BYTES + " bytes");
        }
        finalDigest = finalDigest.clone();
    }

    @Override
    public byte[] finalDigest() {
        return finalDigest.clone();
    }

    /** The final digest as lowercase hex. */
    public String finalDigestHex() {
        return HexFormat.of().formatHex(finalDigest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndOfRun e && runId.equals(e.runId) && stepCount == e.stepCount && status == e.status
                && endTime.equals(e.endTime) && Arrays.equals(finalDigest, e.finalDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(runId, stepCount, status, endTime, Arrays.hashCode(finalDigest));
    }

    @Override
    public String toString() {
        return "EndOfRun[" + runId + ", steps=" + stepCount + ", " + status + ", " + endTime + ", " + finalDigestHex() + "]";
    }
}
