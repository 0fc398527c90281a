package dev.stemma.protocol;

import java.util.Comparator;
import java.util.Objects;

/**
 * The pooled activation of one probe at one tapped layer, one diffusion timestep and one
 * conditioning, at the step of the enclosing {@link StepSnapshot}. The noise of a probe
 * forward is fixed per (probe, timestep) for the whole run, so a change between steps is a
 * change of the model, not of the input.
 */
public record ProbeActivation(int probeId, String layer, int timestep, Conditioning conditioning, Pooling pooling,
                              Tensor values) {

    /** The canonical order: the order of their store keys. */
    static final Comparator<ProbeActivation> CANONICAL_ORDER = Comparator
            .comparingInt(ProbeActivation::probeId)
            .thenComparing(ProbeActivation::layer, Utf8Order.INSTANCE)
            .thenComparingInt(ProbeActivation::timestep)
            .thenComparingInt(a -> a.conditioning().code())
            .thenComparingInt(a -> a.pooling().grid());

    public ProbeActivation {
        if (probeId < 0) {
            throw new IllegalArgumentException("probe id " + probeId + " is negative");
        }
        Names.require(layer, "layer name");
        if (timestep < 0 || timestep > 0xffff) {
            throw new IllegalArgumentException("timestep " + timestep + " outside 0..65535");
        }
        Objects.requireNonNull(conditioning, "conditioning");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(values, "values");
    }

    /** Whether {@code other} is the same series (probe, layer, timestep, conditioning, pooling). */
    public boolean sameSeries(ProbeActivation other) {
        return CANONICAL_ORDER.compare(this, other) == 0;
    }
}
