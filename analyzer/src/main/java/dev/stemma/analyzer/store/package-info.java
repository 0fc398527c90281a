/**
 * The analyzer's view of a stored run: {@link dev.stemma.analyzer.store.StoredProbeTrajectories}
 * reads the recorded probe activations of one run and conditioning out of a collector's
 * {@code TrajectoryStore} as the trajectories the attribution methods take.
 */
package dev.stemma.analyzer.store;
