package dev.stemma.trainer.model;

/**
 * LoRA adapters of rank {@code rank} on every residual-block convolution and attention projection,
 * scaled by {@code alpha / rank}.
 */
public record LoraSpec(int rank, float alpha) {
    public static final int DEFAULT_RANK = 8;
    public static final float DEFAULT_ALPHA = 16f;

    public LoraSpec {
        if (rank < 1 || rank > 256) {
            throw new IllegalArgumentException("LoRA rank " + rank + " is outside 1..256");
        }
        if (!(alpha > 0) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha " + alpha + " must be positive and finite");
        }
    }

    public float scale() {
        return alpha / rank;
    }
}
