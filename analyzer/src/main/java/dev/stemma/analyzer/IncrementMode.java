package dev.stemma.analyzer;

/**
 * How a trajectory r(t_0), ..., r(t_S) becomes increments. Both give S increments.
 *
 * <p>{@link #FROM_START} is the default: D(t_s) = r(t_s) - r(t_0) accumulates the drift that
 * training caused, so a direction followed consistently grows with s while step-to-step jitter
 * does not. {@link #SUCCESSIVE} differences r(t_s) - r(t_{s-1}) see only one step's movement
 * and the jitter of two records; on the synthetic planted-drift runs of the tests it is
 * clearly worse (see TrajectoryCosineTest), so it is kept as an option to test on real runs.
 */
public enum IncrementMode {
    FROM_START,
    SUCCESSIVE;

    /** Writes the S increments of {@code trajectory} (S + 1 steps of d values) into {@code out}, row-major. */
    void increments(float[][] trajectory, float[] out) {
        int d = trajectory[0].length;
        for (int s = 1; s < trajectory.length; s++) {
            float[] reference = this == FROM_START ? trajectory[0] : trajectory[s - 1];
            float[] current = trajectory[s];
            int base = (s - 1) * d;
            for (int i = 0; i < d; i++) {
                out[base + i] = current[i] - reference[i];
            }
        }
    }
}
