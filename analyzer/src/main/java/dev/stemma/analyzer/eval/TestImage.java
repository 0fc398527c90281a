package dev.stemma.analyzer.eval;

/**
 * One generated test image and its truth.
 *
 * @param name      a readable name ("Shirt #3", "Shirt=0.25+Bag=0.75 #1", "blank/Bag")
 * @param kind      what it tests
 * @param pixels    CHW pixels in [-1, 1]
 * @param condition the conditioning weights it was generated (or, for controls, is replayed) with
 * @param token     the concept of a single, micro or control image; null for mixtures
 * @param truth     between-concept truth over the main concepts (one-hot or mixture weights); null
 *                  for micro-concepts and controls
 */
public record TestImage(String name, Kind kind, float[] pixels, float[] condition, String token, double[] truth) {

    /** What a test image tests. */
    public enum Kind {
        /** One main concept's token: top-1. */
        SINGLE,
        /** Two main concepts' tokens mixed: shares against the weights. */
        MIX,
        /** A micro-concept's token: its exemplars among all training images. */
        MICRO,
        /** A blank image given a token: must come out low-confidence. */
        BLANK,
        /** A noise image given a token: must come out low-confidence. */
        NOISE;

        boolean control() {
            return this == BLANK || this == NOISE;
        }
    }
}
