package dev.stemma.agent;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.util.Pair;
import dev.stemma.protocol.BatchItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent can see of a DJL job that does not implement {@link MonitoredModel} (one it
 * was attached to with {@code -javaagent}): every parameter that requires a gradient is an
 * adapter tensor, and the batch is the dataset indices DJL reports. Such a job has no probes,
 * timesteps or noise seeds; the records say so by carrying timestep 0 and seed 0.
 */
final class GenericMonitoredModel implements MonitoredModel {
    private final Model model;
    private List<BatchItem> batch = List.of();

    GenericMonitoredModel(Model model) {
        this.model = model;
    }

    /** Notes the indices of the batch about to be recorded. */
    void observe(BatchData data) {
        List<BatchItem> items = new ArrayList<>();
        if (data != null && data.getBatch() != null && data.getBatch().getIndices() != null) {
            for (Object index : data.getBatch().getIndices()) {
                items.add(new BatchItem(String.valueOf(index), 0, 0));
            }
        }
        batch = List.copyOf(items);
    }

    @Override
    public Map<String, NDArray> adapterTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (param.isInitialized() && param.requiresGradient()) {
                out.put(p.getKey(), param.getArray());
            }
        }
        return out;
    }

    @Override
    public List<BatchItem> currentBatch() {
        return batch;
    }

    @Override
    public List<String> tappableLayers() {
        return List.of();
    }

    @Override
    public List<String> concepts() {
        return List.of();
    }

    @Override
    public List<ProbeImage> trainingImages() {
        return List.of();
    }

    @Override
    public NDArray generate(NDManager manager, String concept, long seed, int count) {
        throw new UnsupportedOperationException("a generic DJL job has no generator");
    }

    @Override
    public Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int timestep, NDArray noise,
                                             List<String> concepts, Set<String> layers) {
        throw new UnsupportedOperationException("a generic DJL job has no probe forward");
    }
}
