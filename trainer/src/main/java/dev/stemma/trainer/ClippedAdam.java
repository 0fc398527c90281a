package dev.stemma.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import dev.stemma.trainer.model.InPlace;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam whose state can be saved and restored (so a resumed run continues exactly), with the
 * learning rate and a gradient scale (global-norm clipping, computed by the loop over all trainable
 * parameters) set by the loop before every step. DJL's own Adam keeps its moments private.
 */
final class ClippedAdam extends Optimizer {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final Map<String, NDArray> first = new HashMap<>();
    private final Map<String, NDArray> second = new HashMap<>();
    private final Map<String, Float> multipliers = new HashMap<>();
    private float learningRate;
    private float gradScale = 1f;
    private long step = 1;

    ClippedAdam() {
        super(new Builder());
    }

    /** Scales the learning rate of one parameter (by id), e.g. concept tokens. */
    void scaleLearningRate(String parameterId, float multiplier) {
        multipliers.put(parameterId, multiplier);
    }

    /** Sets what the next {@code step()} uses: the 1-based step number, learning rate and gradient scale. */
    void prepare(long stepNumber, float lr, float scale) {
        this.step = stepNumber;
        this.learningRate = lr;
        this.gradScale = scale;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        NDManager m = weight.getManager();
        NDArray mt = first.computeIfAbsent(parameterId, k -> m.zeros(weight.getShape()));
        NDArray vt = second.computeIfAbsent(parameterId, k -> m.zeros(weight.getShape()));
        mt.muli(BETA1);
        try (NDArray g = grad.mul(gradScale * (1 - BETA1))) {
            mt.addi(g);
        }
        vt.muli(BETA2);
        try (NDArray g2 = grad.square()) {
            g2.muli(gradScale * gradScale * (1 - BETA2));
            vt.addi(g2);
        }
        double correction = Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step));
        try (NDArray denom = vt.sqrt()) {
            denom.addi(EPS);
            try (NDArray upd = mt.div(denom)) {
                upd.muli((float) (learningRate * multipliers.getOrDefault(parameterId, 1f) * correction));
                weight.subi(upd);
            }
        }
    }

    /** The moments of a parameter by its id, or null before its first update. */
    NDArray[] state(String parameterId) {
        NDArray mt = first.get(parameterId);
        return mt == null ? null : new NDArray[] {mt, second.get(parameterId)};
    }

    /** Restores the moments of a parameter (copied into its moment arrays, made in {@code manager} if new). */
    void restore(String parameterId, NDManager manager, float[] m, float[] v, ai.djl.ndarray.types.Shape shape) {
        InPlace.copy(first.computeIfAbsent(parameterId, k -> manager.zeros(shape)), m);
        InPlace.copy(second.computeIfAbsent(parameterId, k -> manager.zeros(shape)), v);
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
