package dev.stemma.agent;

import java.util.Map;
import java.util.Objects;

/**
 * How a run was made, as the training job knows it: the seed, the digests of the base model and
 * datasets, and the job's own configuration. The agent adds versions and its own settings and
 * sends it all as the run manifest.
 */
public record RunProvenance(long seed, String baseModelSha256, Map<String, String> datasetSha256,
                            Map<String, String> config) {
    public RunProvenance {
        Objects.requireNonNull(baseModelSha256, "base model sha256");
        datasetSha256 = Map.copyOf(datasetSha256);
        config = Map.copyOf(config);
    }
}
