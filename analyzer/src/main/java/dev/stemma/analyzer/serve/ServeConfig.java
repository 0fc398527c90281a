package dev.stemma.analyzer.serve;

import dev.stemma.analyzer.drift.DriftConfig;
import dev.stemma.protocol.Conditioning;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link DriftServer} serves a store.
 *
 * @param store        the store the collector writes
 * @param host         address to bind; loopback unless the user says otherwise
 * @param port         port to bind, 0 for any free one
 * @param refresh      pause between two refreshes (catch up with the store, compute new checkpoints)
 * @param conditioning the recorded conditioning the generations are compared under
 * @param drift        checkpoints and method settings
 * @param topImages    training images listed per generation when a request does not say
 */
public record ServeConfig(Path store, String host, int port, Duration refresh, Conditioning conditioning,
                          DriftConfig drift, int topImages) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_REFRESH_SECONDS = 5;
    /** Content only: RESEARCH.md found replay with the generation's own token mostly reads the prompt back. */
    public static final Conditioning DEFAULT_CONDITIONING = Conditioning.NULL_TOKEN;
    public static final int DEFAULT_TOP_IMAGES = 5;
    /** Most training images a request may ask for per generation. */
    public static final int MAX_TOP_IMAGES = 100;

    public ServeConfig {
        Objects.requireNonNull(store, "store");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("A host to bind is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " outside 0..65535");
        }
        if (refresh == null || refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("Refresh interval must be positive, got " + refresh);
        }
        Objects.requireNonNull(conditioning, "conditioning");
        Objects.requireNonNull(drift, "drift config");
        if (topImages < 1 || topImages > MAX_TOP_IMAGES) {
            throw new IllegalArgumentException("Top training images must be in 1.." + MAX_TOP_IMAGES + ", got " + topImages);
        }
    }

    /** Serves {@code store} with every default. */
    public static ServeConfig of(Path store) {
        return new ServeConfig(store, DEFAULT_HOST, DEFAULT_PORT, Duration.ofSeconds(DEFAULT_REFRESH_SECONDS),
                DEFAULT_CONDITIONING, DriftConfig.defaults(), DEFAULT_TOP_IMAGES);
    }

    public ServeConfig withHost(String value) {
        return new ServeConfig(store, value, port, refresh, conditioning, drift, topImages);
    }

    public ServeConfig withPort(int value) {
        return new ServeConfig(store, host, value, refresh, conditioning, drift, topImages);
    }

    public ServeConfig withRefresh(Duration value) {
        return new ServeConfig(store, host, port, value, conditioning, drift, topImages);
    }

    public ServeConfig withConditioning(Conditioning value) {
        return new ServeConfig(store, host, port, refresh, value, drift, topImages);
    }

    public ServeConfig withDrift(DriftConfig value) {
        return new ServeConfig(store, host, port, refresh, conditioning, value, topImages);
    }

    public ServeConfig withTopImages(int value) {
        return new ServeConfig(store, host, port, refresh, conditioning, drift, value);
    }
}
