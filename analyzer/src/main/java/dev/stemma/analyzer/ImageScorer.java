package dev.stemma.analyzer;

/** The part in which methods differ: a score for every training image. */
interface ImageScorer {

    /** Score of every training item against {@code query} (NaN for items not scored). */
    float[] scores(Query query);

    /**
     * Each listed training item scored as if it were a query against all training items, its
     * own score set to NaN (leave-one-out): what calibration compares queries with.
     */
    float[][] scoresOfTrainingItems(int[] items);

    /**
     * A factor in [0, 1] on the query's confidence for what the scores cannot show: how typical
     * the query is by some other measure of the training images (1 unless a scorer has one).
     */
    default double typicality(Query query) {
        return 1;
    }
}
