/**
 * Gradient features of a recorded run, for the analyzer's {@code tracin}, {@code trak},
 * {@code weight-subspace} and {@code weight-subspace-random} methods.
 *
 * <ul>
 *   <li>{@link dev.stemma.analyzer.gradient.StoredWeightUpdates}: the recorded LoRA updates
 *       (differences of stored factors between recorded steps) as a
 *       {@link dev.stemma.analyzer.linalg.ColumnBlockSource}, one factor tensor per column block;</li>
 *   <li>{@link dev.stemma.analyzer.gradient.ReplayedGradients}: per-example gradients of training
 *       or query images, replayed on base + the stored factors at a few checkpoints, streamed one at
 *       a time as a {@link dev.stemma.analyzer.GradientReader};</li>
 *   <li>{@link dev.stemma.analyzer.gradient.FactorLayout}: the columns both share (LoRA factors,
 *       concept tokens left out, in the run's declaration order);
 *       {@link dev.stemma.analyzer.gradient.GradientReplayConfig}: checkpoints, timesteps, noise,
 *       conditioning.</li>
 * </ul>
 *
 * <p>Images come from the caller (pixels and ids); finding a run's training images is the replay
 * package's business. The gradient itself is {@link dev.stemma.trainer.LoraGradients}.
 */
package dev.stemma.analyzer.gradient;
