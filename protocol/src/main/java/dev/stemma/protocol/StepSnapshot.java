package dev.stemma.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the agent saw at one training step: loss and learning rate, the batch the model saw,
 * the adapter factors, and the probe activations (empty on steps where none were taken).
 *
 * <p>Factors are kept sorted by name and activations by (probe, layer, timestep,
 * conditioning, pooling), the order of their store keys, so that a snapshot rebuilt from the
 * store encodes to the same bytes as the one the agent sent; the integrity chain relies on it.
 * Two factors with one name, or two activations of one series, are rejected.
 */
public record StepSnapshot(String runId, long step, float loss, float learningRate, List<BatchItem> batch,
                           List<NamedTensor> factors, List<ProbeActivation> activations) implements StemmaRecord {

    public StepSnapshot {
        RunIds.requireValid(runId);
        if (step < 0) {
            throw new IllegalArgumentException("step " + step + " is negative");
        }
        batch = List.copyOf(batch);
        List<NamedTensor> sortedFactors = new ArrayList<>(factors);
        sortedFactors.sort((a, b) -> Utf8Order.INSTANCE.compare(a.name(), b.name()));
        for (int i = 1; i < sortedFactors.size(); i++) {
            if (sortedFactors.get(i).name().equals(sortedFactors.get(i - 1).name())) {
                throw new IllegalArgumentException("factor '" + sortedFactors.get(i).name() + "' appears twice");
            }
        }
        factors = List.copyOf(sortedFactors);
        List<ProbeActivation> sortedActivations = new ArrayList<>(activations);
        sortedActivations.sort(ProbeActivation.CANONICAL_ORDER);
        for (int i = 1; i < sortedActivations.size(); i++) {
            if (sortedActivations.get(i).sameSeries(sortedActivations.get(i - 1))) {
                ProbeActivation a = sortedActivations.get(i);
                throw new IllegalArgumentException("activation of probe " + a.probeId() + " layer " + a.layer()
                        + " timestep " + a.timestep() + " " + a.conditioning() + " appears twice");
            }
        }
        activations = List.copyOf(sortedActivations);
    }

    /** This snapshot with other activations, everything else equal. */
    public StepSnapshot withActivations(List<ProbeActivation> newActivations) {
        return new StepSnapshot(runId, step, loss, learningRate, batch, factors, newActivations);
    }

    /** The factor with this name, or {@code null}. */
    public NamedTensor factor(String name) {
        Objects.requireNonNull(name, "name");
        for (NamedTensor f : factors) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
