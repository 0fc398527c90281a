package dev.stemma.protocol;

/**
 * One example of a training batch as the model saw it: which training image, at which
 * diffusion timestep, with which noise seed. Enough to recompute that example's loss and
 * gradient at any recorded step.
 */
public record BatchItem(String imageId, int timestep, long noiseSeed) {
    public BatchItem {
        Names.require(imageId, "image id");
        if (timestep < 0) {
            throw new IllegalArgumentException("timestep " + timestep + " is negative");
        }
    }
}
