package dev.stemma.protocol;

/**
 * Which token conditioned a probe forward. ../shared/RESEARCH.md shows why this matters:
 * a generation replayed with its own token mostly reads the prompt back, so the analyzer
 * compares only trajectories recorded under the same conditioning.
 */
public enum Conditioning {
    /** The null (unconditional) token: the image alone, content only. */
    NULL_TOKEN(0),
    /** The probe's own concept or class token. */
    OWN_TOKEN(1);

    private final int code;

    Conditioning(int code) {
        this.code = code;
    }

    /** The byte that stands for this conditioning in the encoding and in store keys. */
    public int code() {
        return code;
    }

    /** The conditioning with this code. */
    public static Conditioning fromCode(int code) throws MalformedRecordException {
        for (Conditioning c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new MalformedRecordException(MalformedRecordException.Reason.INVALID_VALUE, "unknown conditioning code " + code);
    }
}
