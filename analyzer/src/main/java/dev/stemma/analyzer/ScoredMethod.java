package dev.stemma.analyzer;

/**
 * An attribution method: an image scorer with the share rule and the confidence rule that every
 * method shares, calibrated on the training set.
 */
final class ScoredMethod implements AttributionMethod {

    private final String run;
    private final String name;
    private final TrainingSet set;
    private final ImageScorer scorer;
    private final ShareRule shares;
    private final Calibration calibration;
    private final double lowConfidence;

    ScoredMethod(String run, String name, TrainingSet set, ImageScorer scorer, ShareRule shares, Calibration calibration, double lowConfidence) {
        this.run = run;
        this.name = name;
        this.set = set;
        this.scorer = scorer;
        this.shares = shares;
        this.calibration = calibration;
        this.lowConfidence = lowConfidence;
    }

    /** Calibrates {@code scorer} on a sample of its training items and wraps it. */
    static ScoredMethod calibrate(String run, String name, TrainingSet set, ImageScorer scorer, SharesConfig config, boolean neighbourVotes) {
        int[] sample = Calibration.sample(set.size(), config.calibrationSample(), config.seed());
        float[][] trainingScores = scorer.scoresOfTrainingItems(sample);
        ShareRule rule;
        if (neighbourVotes) {
            rule = new NeighbourVotes(set);
        } else {
            int subset = SubsetMaxSoftmax.effectiveSubsetSize(set, config.subsetSize());
            double temperature = Double.isNaN(config.temperature())
                    ? SubsetMaxSoftmax.calibrateTemperature(set, subset, trainingScores)
                    : config.temperature();
            rule = new SubsetMaxSoftmax(set, subset, temperature);
        }
        return new ScoredMethod(run, name, set, scorer, rule, new Calibration(trainingScores, rule), config.lowConfidence());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Attribution attribute(Query query) {
        float[] scores = scorer.scores(query);
        double[] conceptShares = shares.shares(scores);
        return new Attribution(run, name, set.concepts(), conceptShares, scores,
                confidence(scores, conceptShares, scorer.typicality(query)), set);
    }

    private Confidence confidence(float[] scores, double[] conceptShares, double scorerTypicality) {
        double typicality = calibration.typicality(Calibration.nearestSimilarity(scores)) * scorerTypicality;
        double concentration = Calibration.concentration(conceptShares);
        double first = 0;
        double second = 0;
        for (double s : conceptShares) {
            if (s > first) {
                second = first;
                first = s;
            } else if (s > second) {
                second = s;
            }
        }
        double value = typicality * Math.min(1.0, concentration / calibration.typicalConcentration());
        return new Confidence(value, typicality, concentration, first - second, value < lowConfidence);
    }
}
