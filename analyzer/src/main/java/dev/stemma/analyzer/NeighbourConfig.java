package dev.stemma.analyzer;

/**
 * Nearest-neighbour search over an embedding.
 *
 * @param neighbours     how many neighbours vote for concepts
 * @param m              HNSW links per node
 * @param efConstruction HNSW candidate list while building
 * @param ef             HNSW candidate list while searching
 */
public record NeighbourConfig(int neighbours, int m, int efConstruction, int ef) {

    public static final int DEFAULT_NEIGHBOURS = 10;
    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    public static final int DEFAULT_EF = 100;

    public NeighbourConfig {
        if (neighbours < 1 || m < 2 || efConstruction < 1 || ef < neighbours) {
            throw new IllegalArgumentException("Need neighbours >= 1, m >= 2, efConstruction >= 1 and ef >= neighbours; got "
                    + neighbours + ", " + m + ", " + efConstruction + ", " + ef);
        }
    }

    public static NeighbourConfig defaults() {
        return new NeighbourConfig(DEFAULT_NEIGHBOURS, DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF);
    }
}
