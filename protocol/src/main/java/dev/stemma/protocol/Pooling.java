package dev.stemma.protocol;

/**
 * How a feature map was pooled: average pooling onto a {@code grid x grid} spatial grid.
 * {@code grid == 1} is the global mean; a coarse grid keeps some spatial detail, which
 * pooled-to-one-vector features lose (../shared/RESEARCH.md).
 */
public record Pooling(int grid) {
    /** The global mean over the spatial dimensions. */
    public static final Pooling GLOBAL_MEAN = new Pooling(1);

    /** Largest grid side the format accepts. */
    public static final int MAX_GRID = 64;

    public Pooling {
        if (grid < 1 || grid > MAX_GRID) {
            throw new IllegalArgumentException("pooling grid " + grid + " outside 1.." + MAX_GRID);
        }
    }
}
