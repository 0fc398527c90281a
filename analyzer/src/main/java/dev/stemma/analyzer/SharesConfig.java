package dev.stemma.analyzer;

/**
 * How image scores become concept shares and a confidence; the same for every method.
 *
 * @param subsetSize        a concept's score is the expected best image score among this many
 *                          of its images drawn at random (capped at the smallest concept's
 *                          size, the same for all): a concept does not win by having more images
 * @param temperature       softmax temperature over concept scores; NaN = calibrate it on the
 *                          training set (median spread of concept scores, leave-one-out)
 * @param calibrationSample training items used (leave-one-out) to calibrate
 * @param lowConfidence     confidence values below this are marked low
 * @param seed              seed of the calibration sample
 */
public record SharesConfig(int subsetSize, double temperature, int calibrationSample, double lowConfidence, long seed) {

    public static final int DEFAULT_SUBSET_SIZE = 4;
    public static final double DEFAULT_TEMPERATURE = Double.NaN;
    public static final int DEFAULT_CALIBRATION_SAMPLE = 64;
    public static final double DEFAULT_LOW_CONFIDENCE = 0.25;
    public static final long DEFAULT_SEED = 20_240_603L;

    public SharesConfig {
        if (subsetSize < 1) {
            throw new IllegalArgumentException("Subset size must be at least 1, got " + subsetSize);
        }
        if (!Double.isNaN(temperature) && !(temperature > 0)) {
            throw new IllegalArgumentException("Temperature must be positive or NaN (calibrate), got " + temperature);
        }
        if (calibrationSample < 2) {
            throw new IllegalArgumentException("Calibration needs at least 2 items, got " + calibrationSample);
        }
        if (!(lowConfidence >= 0 && lowConfidence <= 1)) {
            throw new IllegalArgumentException("Low-confidence threshold must be in [0, 1], got " + lowConfidence);
        }
    }

    public static SharesConfig defaults() {
        return new SharesConfig(DEFAULT_SUBSET_SIZE, DEFAULT_TEMPERATURE, DEFAULT_CALIBRATION_SAMPLE, DEFAULT_LOW_CONFIDENCE, DEFAULT_SEED);
    }

    public SharesConfig withTemperature(double value) {
        return new SharesConfig(subsetSize, value, calibrationSample, lowConfidence, seed);
    }

    public SharesConfig withSubsetSize(int value) {
        return new SharesConfig(value, temperature, calibrationSample, lowConfidence, seed);
    }
}
