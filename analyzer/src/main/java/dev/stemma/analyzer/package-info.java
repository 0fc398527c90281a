/**
 * The analyzer: attribution of an image to the concepts and training images of a recorded run.
 *
 * <p>Start at {@link dev.stemma.analyzer.Analyzer}: it is built from a
 * {@link dev.stemma.analyzer.TrainingSet} and whatever the run recorded (representation
 * trajectories through a {@link dev.stemma.analyzer.TrajectoryReader}, embeddings, per-example
 * gradients through a {@link dev.stemma.analyzer.GradientReader} with the LoRA updates as a
 * {@link dev.stemma.analyzer.linalg.ColumnBlockSource}), registers every method it can build
 * by name, and answers a {@link dev.stemma.analyzer.Query} with an
 * {@link dev.stemma.analyzer.Attribution}: image scores, concept shares summing to 1 and a
 * {@link dev.stemma.analyzer.Confidence}.
 *
 * <p>Every method is an image scorer (package-private) wrapped with the same share rule and
 * the same confidence rule, calibrated on the training set itself (leave-one-out), so that
 * methods differ only in how they score images. The readers are small interfaces so that the
 * store and the replay engine can be plugged in without this package knowing about them.
 */
package dev.stemma.analyzer;
