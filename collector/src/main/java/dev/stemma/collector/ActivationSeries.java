package dev.stemma.collector;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.Pooling;
import java.util.Objects;

/** One activation trajectory of a run: a probe seen at one layer, timestep, conditioning and pooling. */
public record ActivationSeries(int probeId, String layer, int timestep, Conditioning conditioning, Pooling pooling) {
    public ActivationSeries {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(conditioning, "conditioning");
        Objects.requireNonNull(pooling, "pooling");
    }
}
