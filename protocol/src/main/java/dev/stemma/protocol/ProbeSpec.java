package dev.stemma.protocol;

import java.util.Objects;

/**
 * A probe of the run: an image whose internal representations are recorded at every
 * recorded step. Either a training image of a concept, or a generation made with a fixed seed
 * from a concept's token at the start of the run.
 */
public record ProbeSpec(int probeId, Kind kind, String imageId, String concept) {

    /** Where a probe image came from. */
    public enum Kind {
        /** A training image; {@code imageId} is its id in the batch records. */
        TRAINING_IMAGE(0),
        /** A fixed-seed generation from the concept's token, made when the run started. */
        GENERATION(1);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Kind fromCode(int code) throws MalformedRecordException {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new MalformedRecordException(MalformedRecordException.Reason.INVALID_VALUE, "unknown probe kind " + code);
        }
    }

    public ProbeSpec {
        if (probeId < 0) {
            throw new IllegalArgumentException("probe id " + probeId + " is negative");
        }
        Objects.requireNonNull(kind, "kind");
        Names.require(imageId, "probe image id");
        Names.require(concept, "probe concept");
    }
}
