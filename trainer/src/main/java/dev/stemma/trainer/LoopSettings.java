package dev.stemma.trainer;

/**
 * How a training loop runs: steps, batch size, Adam learning rate with linear warm-up, global
 * gradient-norm clipping, the seed of every batch, the classifier-free-guidance dropout rate, and how
 * often a checkpoint is written (0: only at the end).
 */
public record LoopSettings(int steps, int batchSize, float learningRate, int warmupSteps, float clipNorm, long seed,
                           double conditionDropout, int checkpointEvery) {
    public static final int PRETRAIN_STEPS = 4000;
    public static final int PRETRAIN_BATCH = 64;
    public static final float PRETRAIN_LR = 5e-4f;
    public static final int CUSTOMISE_STEPS = 600;
    public static final int CUSTOMISE_BATCH = 32;
    /**
     * With LoRA alpha 16 and token learning rate x10: the pilot's setting. It was backed off to 5e-4,
     * alpha 8, x5 after a NaN gradient that turned out to be DJL's freed mul(Number) scalar, not the
     * step size (model.Scalars); restored, Sneaker fidelity went from 0.74 to 0.92 (README "Trainer").
     */
    public static final float CUSTOMISE_LR = 8e-4f;
    public static final int WARMUP_STEPS = 100;
    public static final float CLIP_NORM = 1f;
    public static final long SEED = 42;
    public static final double CONDITION_DROPOUT = 0.1;
    public static final int CHECKPOINT_EVERY = 200;

    public LoopSettings {
        if (steps < 1) {
            throw new IllegalArgumentException("steps " + steps + " must be at least 1");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch size " + batchSize + " is outside 1..4096");
        }
        if (!(learningRate > 0) || learningRate > 1) {
            throw new IllegalArgumentException("learning rate " + learningRate + " is outside (0, 1]");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps " + warmupSteps + " is negative");
        }
        if (!(clipNorm > 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("gradient clip norm " + clipNorm + " must be positive and finite");
        }
        if (!(conditionDropout >= 0 && conditionDropout < 1)) {
            throw new IllegalArgumentException("condition dropout " + conditionDropout + " is outside [0, 1)");
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint interval " + checkpointEvery + " is negative");
        }
    }

    public static LoopSettings pretrainDefaults() {
        return new LoopSettings(PRETRAIN_STEPS, PRETRAIN_BATCH, PRETRAIN_LR, WARMUP_STEPS, CLIP_NORM, SEED,
                CONDITION_DROPOUT, CHECKPOINT_EVERY);
    }

    public static LoopSettings customiseDefaults() {
        return new LoopSettings(CUSTOMISE_STEPS, CUSTOMISE_BATCH, CUSTOMISE_LR, WARMUP_STEPS, CLIP_NORM, SEED,
                CONDITION_DROPOUT, CHECKPOINT_EVERY);
    }

    public LoopSettings withSteps(int newSteps) {
        return new LoopSettings(newSteps, batchSize, learningRate, warmupSteps, clipNorm, seed, conditionDropout,
                checkpointEvery);
    }

    public LoopSettings withBatchSize(int newBatch) {
        return new LoopSettings(steps, newBatch, learningRate, warmupSteps, clipNorm, seed, conditionDropout,
                checkpointEvery);
    }

    /** The same settings with checkpoints every {@code every} steps (0: none). */
    public LoopSettings withCheckpointEvery(int every) {
        return new LoopSettings(steps, batchSize, learningRate, warmupSteps, clipNorm, seed, conditionDropout, every);
    }

    /** The learning rate of 0-based step {@code step}: linear warm-up, then cosine decay to 10%. */
    public float learningRateAt(long step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / (warmupSteps + 1);
        }
        double progress = steps <= warmupSteps ? 1 : (double) (step - warmupSteps) / (steps - warmupSteps);
        return (float) (learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
    }
}
