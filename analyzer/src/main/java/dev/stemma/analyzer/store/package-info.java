/**
 * The analyzer's view of a stored run: {@link dev.stemma.analyzer.store.StoredProbeTrajectories}
 * reads the recorded probe activations of one run and conditioning out of a collector's
 * {@code TrajectoryStore} as the trajectories the attribution methods take;
 * {@link dev.stemma.analyzer.store.StoredRun} offers them as drift reads a run.
 */
package dev.stemma.analyzer.store;
