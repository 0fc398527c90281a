package dev.stemma.analyzer;

/**
 * The recorded representations of one image: for each channel (a layer at a diffusion
 * timestep and pooling), one vector per recorded step. {@code values[channel][step][i]}.
 */
public record Trajectory(float[][][] values) {

    public Trajectory {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("A trajectory needs at least one channel");
        }
        int steps = values[0].length;
        for (int c = 0; c < values.length; c++) {
            if (values[c].length != steps) {
                throw new IllegalArgumentException("Channel " + c + " has " + values[c].length + " steps, channel 0 has " + steps);
            }
            if (steps == 0) {
                throw new IllegalArgumentException("A trajectory needs at least one step");
            }
            int d = values[c][0].length;
            for (float[] step : values[c]) {
                if (step.length != d) {
                    throw new IllegalArgumentException("Channel " + c + " mixes vectors of " + d + " and " + step.length + " values");
                }
            }
        }
    }

    public int channels() {
        return values.length;
    }

    public int steps() {
        return values[0].length;
    }

    public int dimension(int channel) {
        return values[channel][0].length;
    }

    float[][] channel(int channel) {
        return values[channel];
    }
}
