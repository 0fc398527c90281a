package dev.stemma.trainer.model;

import java.util.List;

/**
 * The shape of a {@link UNet}: image size and channels, channels per resolution level (attention at
 * the lowest), GroupNorm groups, and the base classes it is conditioned on (the null token comes on
 * top). {@link #reference} is the 0.56M-parameter model of STYLE.md; {@link #tiny} is for tests.
 */
public record UNetConfig(int imageChannels, int imageSize, List<Integer> channels, int groups, List<String> classes) {
    public static final List<Integer> REFERENCE_CHANNELS = List.of(32, 64, 64);
    public static final int DEFAULT_GROUPS = 8;

    public UNetConfig {
        channels = List.copyOf(channels);
        classes = List.copyOf(classes);
        if (imageChannels != 1 && imageChannels != 3) {
            throw new IllegalArgumentException("image channels must be 1 or 3, not " + imageChannels);
        }
        if (channels.size() < 2) {
            throw new IllegalArgumentException("a U-Net needs at least 2 resolution levels, got " + channels);
        }
        int down = 1 << (channels.size() - 1);
        if (imageSize < 4 || imageSize % down != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be a multiple of " + down
                    + " for " + channels.size() + " levels");
        }
        for (int c : channels) {
            if (c <= 0 || c % groups != 0) {
                throw new IllegalArgumentException("channels " + channels + " must be positive multiples of the "
                        + groups + " GroupNorm groups");
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("a conditional U-Net needs at least one class");
        }
        if (classes.stream().distinct().count() != classes.size()) {
            throw new IllegalArgumentException("class names repeat: " + classes);
        }
    }

    /** The reference model: channels 32/64/64, 8 groups. */
    public static UNetConfig reference(int imageChannels, int imageSize, List<String> classes) {
        return new UNetConfig(imageChannels, imageSize, REFERENCE_CHANNELS, DEFAULT_GROUPS, classes);
    }

    /** A small model for fast tests: channels 8/16, 4 groups. */
    public static UNetConfig tiny(int imageChannels, int imageSize, List<String> classes) {
        return new UNetConfig(imageChannels, imageSize, List.of(8, 16), 4, classes);
    }

    /** Width of the timestep and conditioning embedding: 4 x the first level's channels. */
    public int embedDim() {
        return 4 * channels.get(0);
    }

    /** Rows of the class table: the null token (row 0), then the base classes. */
    public int classRows() {
        return classes.size() + 1;
    }
}
