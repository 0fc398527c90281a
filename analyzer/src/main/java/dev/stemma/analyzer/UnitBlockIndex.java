package dev.stemma.analyzer;

/**
 * Projected features of every training item as {@code blocks} unit vectors of {@code width}
 * values (one block per recorded step or checkpoint), in one flat array, so that the mean
 * per-block cosine with a query is one dot product per item: memory n x blocks x width floats.
 */
final class UnitBlockIndex {

    private final int items;
    private final int blocks;
    private final int width;
    private final float[] values;

    UnitBlockIndex(int items, int blocks, int width) {
        long size = (long) items * blocks * width;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(items + " items x " + blocks + " blocks x " + width + " values do not fit one array; lower the rank or record fewer steps");
        }
        this.items = items;
        this.blocks = blocks;
        this.width = width;
        this.values = new float[(int) size];
    }

    int items() {
        return items;
    }

    int blocks() {
        return blocks;
    }

    int width() {
        return width;
    }

    /** Stores block {@code block} of item {@code item} from {@code source[from .. from + width)}, scaled to unit length. */
    void put(int item, int block, float[] source, int from) {
        int base = (item * blocks + block) * width;
        System.arraycopy(source, from, values, base, width);
        normalise(values, base, width);
    }

    /** Scales {@code v[from .. from + width)} to unit length; leaves a (near) zero vector at zero. */
    static void normalise(float[] v, int from, int width) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            sum += (double) v[from + i] * v[from + i];
        }
        double norm = Math.sqrt(sum);
        if (norm < 1e-12) {
            java.util.Arrays.fill(v, from, from + width, 0f);
            return;
        }
        float scale = (float) (1 / norm);
        for (int i = 0; i < width; i++) {
            v[from + i] *= scale;
        }
    }

    /**
     * Adds {@code weight} x (mean over blocks of the cosine between the query's block and the
     * item's block) to {@code out[item]} for every item. {@code query} holds unit blocks.
     */
    void accumulateScores(float[] query, float weight, float[] out) {
        int length = blocks * width;
        if (query.length != length) {
            throw new IllegalArgumentException("Query has " + query.length + " values, the index " + length);
        }
        float scale = weight / blocks;
        for (int item = 0; item < items; item++) {
            out[item] += scale * Vectors.dot(query, 0, values, item * length, length);
        }
    }

    /** A copy of item {@code item}'s unit blocks, to score it as a query. */
    float[] row(int item) {
        int length = blocks * width;
        float[] row = new float[length];
        System.arraycopy(values, item * length, row, 0, length);
        return row;
    }
}
