package dev.stemma.cli;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * Serves the default Prometheus registry (Stemma's metrics and the JVM's) on {@code /metrics}
 * at {@code host:port}; port 0 means no endpoint. Loopback by default: metrics are for the
 * local Prometheus unless the user says otherwise.
 */
final class MetricsEndpoint implements AutoCloseable {
    /** Default bind address. */
    static final String DEFAULT_HOST = "127.0.0.1";

    private static boolean jvmExportsRegistered;
    private final HTTPServer server;
    private final String host;

    private MetricsEndpoint(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Starts an endpoint, or returns one that does nothing for port 0. */
    static MetricsEndpoint start(String host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port " + port + " outside 0..65535");
        }
        if (port == 0) {
            return new MetricsEndpoint(null, host);
        }
        synchronized (MetricsEndpoint.class) {
            if (!jvmExportsRegistered) {
                DefaultExports.initialize();
                jvmExportsRegistered = true;
            }
        }
        try {
            return new MetricsEndpoint(new HTTPServer(new InetSocketAddress(host, port), CollectorRegistry.defaultRegistry, true), host);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Where Prometheus finds the metrics, or null when off. */
    String url() {
        return server == null ? null : "http://" + host + ":" + server.getPort() + "/metrics";
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
