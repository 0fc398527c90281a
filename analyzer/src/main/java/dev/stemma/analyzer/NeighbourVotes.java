package dev.stemma.analyzer;

import java.util.Arrays;

/**
 * Share rule of the nearest-neighbour baselines: each neighbour found votes for its concept with
 * its similarity (negative similarities do not vote). This is the usual kNN baseline and does
 * favour concepts with more images; it is kept as people use it, to be beaten.
 */
final class NeighbourVotes implements ShareRule {

    private final TrainingSet set;

    NeighbourVotes(TrainingSet set) {
        this.set = set;
    }

    @Override
    public double[] shares(float[] imageScores) {
        double[] votes = new double[set.concepts().size()];
        double total = 0;
        for (int i = 0; i < imageScores.length; i++) {
            if (!Float.isNaN(imageScores[i]) && imageScores[i] > 0) {
                votes[set.conceptOf(i)] += imageScores[i];
                total += imageScores[i];
            }
        }
        if (total == 0) {
            Arrays.fill(votes, 1.0 / votes.length);
            return votes;
        }
        for (int c = 0; c < votes.length; c++) {
            votes[c] /= total;
        }
        return votes;
    }
}
