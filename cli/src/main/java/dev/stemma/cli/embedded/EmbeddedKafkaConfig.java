package dev.stemma.cli.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the embedded broker.
 *
 * @param dataDir         where the broker keeps its log and metadata; reused across starts
 * @param partitions      default partition count of auto-created topics
 * @param startTimeout    how long to wait for the broker to answer before giving up
 * @param maxHeapMegabytes heap of the broker JVM
 */
public record EmbeddedKafkaConfig(Path dataDir, int partitions, Duration startTimeout, int maxHeapMegabytes) {
    /** Default partition count: enough for a few collectors to share one topic. */
    public static final int DEFAULT_PARTITIONS = 4;
    /** Default start timeout. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Default broker heap. */
    public static final int DEFAULT_HEAP_MB = 768;

    public EmbeddedKafkaConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("start timeout must be positive, got " + startTimeout);
        }
        if (maxHeapMegabytes < 128) {
            throw new IllegalArgumentException("broker heap must be at least 128 MB, got " + maxHeapMegabytes);
        }
    }

    /** Defaults for everything but the data directory. */
    public static EmbeddedKafkaConfig at(Path dataDir) {
        return new EmbeddedKafkaConfig(dataDir, DEFAULT_PARTITIONS, DEFAULT_START_TIMEOUT, DEFAULT_HEAP_MB);
    }
}
