/**
 * Attribution drift while a run trains: how the concept shares of a run's probe generations
 * change as steps are recorded.
 *
 * <p>{@link dev.stemma.analyzer.drift.DriftTracker} attributes the generations at checkpoints,
 * each time using only the steps recorded up to the checkpoint (a prefix of every trajectory, the
 * subspace and the calibration included), and keeps what it computed: when more steps arrive only
 * the new checkpoints and the latest answer are computed. It reads the run through
 * {@link dev.stemma.analyzer.drift.RecordedRun}, a small interface the store view implements and
 * a test can feed with planted trajectories; its answer is a
 * {@link dev.stemma.analyzer.drift.Drift}.
 */
package dev.stemma.analyzer.drift;
