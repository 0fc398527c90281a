package dev.stemma.analyzer;

import dev.stemma.analyzer.linalg.Subspace;
import java.util.List;

/**
 * Representation-trajectory cosine: a query's increments and each training item's, projected
 * on each channel's subspace, compared by cosine step by step; the mean over steps, then the
 * mean over channels. Every channel is normalised on its own (RESEARCH.md: summing raw dot
 * products collapsed everything onto one concept). Holds n x steps x k floats per channel.
 */
final class TrajectoryCosineScorer implements ImageScorer {

    private final TrajectoryReader shape;
    private final IncrementMode mode;
    private final List<Subspace> subspaces;
    private final UnitBlockIndex[] indexes;
    private final int items;
    private final String name;

    private TrajectoryCosineScorer(String name, TrajectoryReader shape, IncrementMode mode, List<Subspace> subspaces,
                                   UnitBlockIndex[] indexes, int items) {
        this.name = name;
        this.shape = shape;
        this.mode = mode;
        this.subspaces = subspaces;
        this.indexes = indexes;
        this.items = items;
    }

    /** Projects every training trajectory on {@code subspaces} in one streaming pass. */
    static TrajectoryCosineScorer build(String name, int items, TrajectoryReader reader, IncrementMode mode, List<Subspace> subspaces) {
        int channels = reader.channels().size();
        int increments = reader.steps() - 1;
        UnitBlockIndex[] indexes = new UnitBlockIndex[channels];
        float[][] work = new float[channels][];
        float[][] projected = new float[channels][];
        for (int c = 0; c < channels; c++) {
            int k = subspaces.get(c).rank();
            indexes[c] = new UnitBlockIndex(items, increments, k);
            work[c] = new float[increments * reader.dimension(c)];
            projected[c] = new float[increments * k];
        }
        boolean[] seen = new boolean[items];
        reader.forEachItem((item, trajectory) -> {
            if (item < 0 || item >= items || seen[item]) {
                throw new IllegalArgumentException("Reader gave training item " + item + " twice or out of range [0, " + items + ")");
            }
            seen[item] = true;
            TrajectorySubspaces.checkShape(reader, trajectory, "training item " + item);
            for (int c = 0; c < channels; c++) {
                project(mode, subspaces.get(c), trajectory.channel(c), work[c], projected[c]);
                for (int s = 0; s < increments; s++) {
                    indexes[c].put(item, s, projected[c], s * subspaces.get(c).rank());
                }
            }
        });
        for (int i = 0; i < items; i++) {
            if (!seen[i]) {
                throw new IllegalArgumentException("Reader never gave training item " + i);
            }
        }
        return new TrajectoryCosineScorer(name, reader, mode, subspaces, indexes, items);
    }

    List<Subspace> subspaces() {
        return subspaces;
    }

    @Override
    public float[] scores(Query query) {
        float[][] blocks = queryBlocks(query);
        float[] scores = new float[items];
        float weight = 1f / indexes.length;
        for (int c = 0; c < indexes.length; c++) {
            indexes[c].accumulateScores(blocks[c], weight, scores);
        }
        return scores;
    }

    /**
     * Training item {@code item}'s unit blocks of every channel in one row, each channel scaled
     * so that the dot product of two such rows is this method's score of one against the other.
     */
    float[] concatenatedRow(int item) {
        float[][] blocks = new float[indexes.length][];
        for (int c = 0; c < indexes.length; c++) {
            blocks[c] = indexes[c].row(item);
        }
        return concatenate(blocks);
    }

    /** The query's row in the space of {@link #concatenatedRow}. */
    float[] concatenatedQueryRow(Query query) {
        return concatenate(queryBlocks(query));
    }

    private float[] concatenate(float[][] blocks) {
        int total = 0;
        for (float[] b : blocks) {
            total += b.length;
        }
        float[] row = new float[total];
        int at = 0;
        for (int c = 0; c < blocks.length; c++) {
            float scale = (float) Math.sqrt(1.0 / indexes.length / indexes[c].blocks());
            for (float v : blocks[c]) {
                row[at++] = v * scale;
            }
        }
        return row;
    }

    /** The query's projected increments, one unit block per step, per channel. */
    private float[][] queryBlocks(Query query) {
        Trajectory trajectory = query.requireTrajectory(name);
        TrajectorySubspaces.checkShape(shape, trajectory, "the query");
        float[][] blocks = new float[indexes.length][];
        for (int c = 0; c < indexes.length; c++) {
            Subspace subspace = subspaces.get(c);
            int increments = indexes[c].blocks();
            float[] work = new float[increments * subspace.dimension()];
            float[] projected = new float[increments * subspace.rank()];
            project(mode, subspace, trajectory.channel(c), work, projected);
            for (int s = 0; s < increments; s++) {
                UnitBlockIndex.normalise(projected, s * subspace.rank(), subspace.rank());
            }
            blocks[c] = projected;
        }
        return blocks;
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] sample) {
        float[][] result = new float[sample.length][];
        float weight = 1f / indexes.length;
        for (int q = 0; q < sample.length; q++) {
            float[] scores = new float[items];
            for (UnitBlockIndex index : indexes) {
                index.accumulateScores(index.row(sample[q]), weight, scores);
            }
            scores[sample[q]] = Float.NaN;
            result[q] = scores;
        }
        return result;
    }

    private static void project(IncrementMode mode, Subspace subspace, float[][] channel, float[] work, float[] projected) {
        mode.increments(channel, work);
        int increments = channel.length - 1;
        int d = subspace.dimension();
        int k = subspace.rank();
        for (int s = 0; s < increments; s++) {
            subspace.project(work, s * d, projected, s * k);
        }
    }
}
