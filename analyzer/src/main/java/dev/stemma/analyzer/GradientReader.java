package dev.stemma.analyzer;

/**
 * Per-example gradients of the training items at the recorded checkpoints (diffusion loss at
 * fixed timesteps and noise, matching conditioning), one vector at a time, so that nothing
 * needs all of them at full size. Must be readable more than once.
 */
public interface GradientReader {

    /** Receives one gradient; the array may be reused after {@code visit} returns. */
    @FunctionalInterface
    interface GradientVisitor {
        void visit(int item, int checkpoint, float[] gradient);
    }

    /** Number of checkpoints. */
    int checkpoints();

    /** Length of each gradient (LoRA parameters). */
    int parameters();

    /** Hands every (item, checkpoint) gradient to {@code visitor}, once each, in any order. */
    void forEachGradient(GradientVisitor visitor);
}
