package dev.stemma.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.stemma.trainer.model.InPlace;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of the base weights, the weights a pretrained base ships with. The
 * decay ramps up as min(decay, (1 + k) / (10 + k)) so early steps do not freeze a random start.
 */
final class Ema implements AutoCloseable {
    static final float DEFAULT_DECAY = 0.999f;

    private final NDManager manager;
    private final Map<String, Parameter> parameters;
    private final Map<String, NDArray> averages = new LinkedHashMap<>();
    private final float decay;

    Ema(NDManager parent, Map<String, Parameter> parameters, float decay) {
        this.manager = parent.newSubManager();
        this.parameters = parameters;
        this.decay = decay;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray copy = manager.zeros(e.getValue().getShape());
            InPlace.copy(copy, e.getValue().getArray().toFloatArray());
            averages.put(e.getKey(), copy);
        }
    }

    void update(long updates) {
        float d = Math.min(decay, (1f + updates) / (10f + updates));
        for (Map.Entry<String, NDArray> e : averages.entrySet()) {
            NDArray avg = e.getValue();
            try (NDArray diff = avg.neg()) { // in the EMA's manager, never the model's
                diff.addi(parameters.get(e.getKey()).getArray()); // param - avg
                diff.muli(1 - d);
                avg.addi(diff);
            }
        }
    }

    Map<String, NDArray> averages() {
        return averages;
    }

    void restore(String name, float[] values) {
        InPlace.copy(averages.get(name), values);
    }

    @Override
    public void close() {
        manager.close();
    }
}
