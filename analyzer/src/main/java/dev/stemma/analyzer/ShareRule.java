package dev.stemma.analyzer;

/** Turns the scores of the training images into concept shares that sum to 1. */
interface ShareRule {

    /** Shares in {@link TrainingSet#concepts()} order; uniform when nothing was scored. */
    double[] shares(float[] imageScores);
}
