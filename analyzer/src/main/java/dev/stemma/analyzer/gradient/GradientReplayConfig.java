package dev.stemma.analyzer.gradient;

import dev.stemma.protocol.Conditioning;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link ReplayedGradients} takes gradients.
 *
 * @param checkpoints        recorded steps to take gradients at, spread evenly and ending at the last
 *                           (default 4, as RESEARCH.md's TracIn)
 * @param timesteps          diffusion timesteps of the loss (default 200 and 600, the agent's probe timesteps)
 * @param separateTimesteps  true (default): one gradient per (checkpoint, timestep), each compared on its
 *                           own (cosines averaged), so a timestep with larger gradients does not drown the
 *                           other; false: one gradient of the summed loss per checkpoint, the timesteps
 *                           batched into one backward. On run {@code first} (800 steps, 70,912 LoRA
 *                           parameters) the batched backward of two timesteps cost 69-81 ms of CPU against
 *                           34-48 ms for one, so keeping them apart costs about the same; and with them
 *                           apart top-1 on 40 held-out training images was 0.90 / 0.75 / 0.85 (tracin,
 *                           weight-subspace, random control) against 0.85 / 0.70 / 0.75 summed (+-0.06;
 *                           {@code RecordedGradientBenchmark})
 * @param noiseSeed          seed of the noise maps: one map per timestep, shared by every image, so that
 *                           images differ only by their content (default {@value #DEFAULT_NOISE_SEED})
 * @param conditioning       null token (default: content only) or each image's own concept token
 * @param progressEvery      how often progress is reported while gradients stream (default 5 s)
 */
public record GradientReplayConfig(int checkpoints, List<Integer> timesteps, boolean separateTimesteps, long noiseSeed,
                                   Conditioning conditioning, Duration progressEvery) {

    public static final int DEFAULT_CHECKPOINTS = 4;
    public static final List<Integer> DEFAULT_TIMESTEPS = List.of(200, 600);
    public static final boolean DEFAULT_SEPARATE_TIMESTEPS = true;
    public static final long DEFAULT_NOISE_SEED = 20_240_611L;
    public static final Duration DEFAULT_PROGRESS_EVERY = Duration.ofSeconds(5);

    public GradientReplayConfig {
        if (checkpoints < 1) {
            throw new IllegalArgumentException("Need at least one checkpoint, got " + checkpoints);
        }
        timesteps = List.copyOf(timesteps);
        if (timesteps.isEmpty()) {
            throw new IllegalArgumentException("Need at least one diffusion timestep");
        }
        if (timesteps.stream().distinct().count() != timesteps.size()) {
            throw new IllegalArgumentException("Timesteps repeat: " + timesteps);
        }
        Objects.requireNonNull(conditioning, "conditioning");
        Objects.requireNonNull(progressEvery, "progress interval");
        if (progressEvery.isNegative()) {
            throw new IllegalArgumentException("Progress interval must not be negative, got " + progressEvery);
        }
    }

    public static GradientReplayConfig defaults() {
        return new GradientReplayConfig(DEFAULT_CHECKPOINTS, DEFAULT_TIMESTEPS, DEFAULT_SEPARATE_TIMESTEPS, DEFAULT_NOISE_SEED,
                Conditioning.NULL_TOKEN, DEFAULT_PROGRESS_EVERY);
    }

    public GradientReplayConfig withCheckpoints(int value) {
        return new GradientReplayConfig(value, timesteps, separateTimesteps, noiseSeed, conditioning, progressEvery);
    }

    public GradientReplayConfig withTimesteps(List<Integer> value, boolean separate) {
        return new GradientReplayConfig(checkpoints, value, separate, noiseSeed, conditioning, progressEvery);
    }

    public GradientReplayConfig withConditioning(Conditioning value) {
        return new GradientReplayConfig(checkpoints, timesteps, separateTimesteps, noiseSeed, value, progressEvery);
    }

    public GradientReplayConfig withProgressEvery(Duration value) {
        return new GradientReplayConfig(checkpoints, timesteps, separateTimesteps, noiseSeed, conditioning, value);
    }
}
