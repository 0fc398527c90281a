package dev.stemma.protocol;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a run was made: the first record of every run, the provenance every attribution result
 * points back to. Maps are kept sorted so that equal manifests encode to equal bytes.
 *
 * @param runId           the run
 * @param startTime       when training started
 * @param seed            the seed every random choice of the run derives from
 * @param versions        Java, DJL, PyTorch and Stemma versions
 * @param baseModelSha256 hex sha256 of the frozen base model file
 * @param datasetSha256   hex sha256 of each dataset, by its spec (e.g. {@code idx:/data/fashion})
 * @param config          the run's effective configuration, flattened to {@code key -> value}
 * @param concepts        the concepts being learned, in token order
 * @param probes          the probe set whose activations are recorded
 * @param factorShapes    name and shape of every adapter tensor a step snapshot carries
 */
public record RunManifest(String runId, Instant startTime, long seed, SoftwareVersions versions,
                          String baseModelSha256, Map<String, String> datasetSha256, Map<String, String> config,
                          List<String> concepts, List<ProbeSpec> probes, List<TensorShape> factorShapes)
        implements StemmaRecord {

    /** The declared shape of one adapter tensor. */
    public record TensorShape(String name, DType dtype, int[] shape) {
        public TensorShape {
            Names.require(name, "tensor name");
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
            Tensor.checkShape(shape);
        }

        /** Whether {@code tensor} has this dtype and shape. */
        public boolean matches(Tensor tensor) {
            return tensor.dtype() == dtype && java.util.Arrays.equals(tensor.rawShape(), shape);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorShape t && name.equals(t.name) && dtype == t.dtype
                    && java.util.Arrays.equals(shape, t.shape);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, dtype, java.util.Arrays.hashCode(shape));
        }

        @Override
        public String toString() {
            return name + ":" + dtype + java.util.Arrays.toString(shape);
        }
    }

    public RunManifest {
        RunIds.requireValid(runId);
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(versions, "versions");
        Objects.requireNonNull(baseModelSha256, "baseModelSha256");
        datasetSha256 = Collections.unmodifiableMap(new TreeMap<>(datasetSha256));
        config = Collections.unmodifiableMap(new TreeMap<>(config));
        concepts = List.copyOf(concepts);
        probes = List.copyOf(probes);
        factorShapes = List.copyOf(factorShapes);
    }

    /** The probe with this id, or {@code null}. */
    public ProbeSpec probe(int probeId) {
        for (ProbeSpec p : probes) {
            if (p.probeId() == probeId) {
                return p;
            }
        }
        return null;
    }
}
