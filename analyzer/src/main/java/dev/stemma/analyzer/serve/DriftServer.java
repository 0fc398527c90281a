package dev.stemma.analyzer.serve;

import com.sun.net.httpserver.HttpServer;
import dev.stemma.collector.TrajectoryStore;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code stemma serve}: follows a store while the collector fills it and serves each run's
 * attribution drift as a JSON API, a live page and Prometheus metrics, on one JDK HTTP server.
 *
 * <pre>{@code
 * try (DriftServer server = DriftServer.start(ServeConfig.of(storeDir).withPort(0), new CollectorRegistry())) {
 *     System.out.println(server.url()); // http://127.0.0.1:PORT/
 * }
 * }</pre>
 *
 * <p>One thread refreshes every {@link ServeConfig#refresh()}: it catches up with the store
 * ({@link TrajectoryStore#openFollower}) and computes new drift checkpoints ({@link
 * dev.stemma.analyzer.drift.DriftTracker}); two request threads answer from what it last
 * published and never touch the store. Routes are listed on {@link HttpApi}.
 */
public final class DriftServer implements AutoCloseable {

    private static final int REQUEST_THREADS = 2;

    private final TrajectoryStore store;
    private final Path scratch;
    private final DriftMetrics metrics;
    private final LiveRuns runs;
    private final ScheduledExecutorService refresher;
    private final ExecutorService requests;
    private final HttpServer http;
    private boolean closed;

    private DriftServer(TrajectoryStore store, Path scratch, DriftMetrics metrics, LiveRuns runs,
                        ScheduledExecutorService refresher, ExecutorService requests, HttpServer http) {
        this.store = store;
        this.scratch = scratch;
        this.metrics = metrics;
        this.runs = runs;
        this.refresher = refresher;
        this.requests = requests;
        this.http = http;
    }

    /**
     * Opens the store as a follower, starts refreshing it at once and serves on
     * {@code config.host():config.port()}; metrics go into {@code registry}.
     *
     * @throws IllegalArgumentException if the directory holds no store
     * @throws UncheckedIOException     if the address cannot be bound
     */
    public static DriftServer start(ServeConfig config, CollectorRegistry registry) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("stemma-serve-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory for the store follower: " + e.getMessage(), e);
        }
        TrajectoryStore store = null;
        DriftMetrics metrics = null;
        ExecutorService requests = null;
        HttpServer http = null;
        try {
            store = TrajectoryStore.openFollower(config.store(), scratch);
            metrics = new DriftMetrics(registry);
            LiveRuns runs = new LiveRuns(store, config.conditioning(), config.drift(), metrics);
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
            requests = Executors.newFixedThreadPool(REQUEST_THREADS, daemon("stemma-serve-http"));
            http.setExecutor(requests);
            http.createContext("/", new HttpApi(runs::view, config, registry, metrics, page(config)));
            http.start();
            // Last, so that nothing above can fail while a refresh reads the store.
            ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(daemon("stemma-serve-refresh"));
            refresher.scheduleWithFixedDelay(runs::refresh, 0, config.refresh().toMillis(), TimeUnit.MILLISECONDS);
            return new DriftServer(store, scratch, metrics, runs, refresher, requests, http);
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.stop(0);
            }
            if (requests != null) {
                requests.shutdownNow();
            }
            if (store != null) {
                store.close();
            }
            if (metrics != null) {
                metrics.unregister();
            }
            deleteQuietly(scratch);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot serve on " + config.host() + ":" + config.port() + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** The port bound (the one chosen when the config said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The live page's address. */
    public URI url() {
        String host = http.getAddress().getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
    }

    /** Stops serving, lets a refresh under way finish its checkpoint, then closes the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        runs.close();
        http.stop(0);
        requests.shutdownNow();
        refresher.shutdown();
        try {
            if (!refresher.awaitTermination(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the refresh thread did not stop; the store stays open");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the refresh thread stopped; the store stays open", e);
        }
        store.close(); // only once nothing reads it: a RocksDB call on a closed database crashes the JVM
        metrics.unregister();
        deleteQuietly(scratch);
    }

    /** The page, with how often it polls (the refresh interval, at least a second). */
    private static String page(ServeConfig config) throws IOException {
        try (InputStream in = DriftServer.class.getResourceAsStream("live.html")) {
            if (in == null) {
                throw new IOException("live.html is missing from the analyzer jar");
            }
            long pollMillis = Math.max(1000, config.refresh().toMillis());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("__POLL_MILLIS__", Long.toString(pollMillis));
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a scratch directory in the temp dir: left behind at worst
        }
    }
}
