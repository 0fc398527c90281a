package dev.stemma.cli;

import dev.stemma.collector.Collector;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.collector.TrajectoryStore;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma collect}: the collector, from Kafka into a store, until Ctrl-C. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Consumes run records from Kafka into a RocksDB store, one WriteBatch per poll, offsets committed after"
                + " the write; bad records go to the dead-letter topic. Runs until Ctrl-C, which finishes the batch,"
                + " commits and closes.",
                "Without --bootstrap-servers it starts the embedded broker in --kafka-dir."})
final class CollectCommand implements Callable<Integer> {
    /** Default Prometheus port of the collector. */
    static final int DEFAULT_METRICS_PORT = 9405;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file with the same keys as the options (group: my-group); options given here win.")
    Path config;

    // Required, but checked in call(): picocli would refuse a --store that comes from --config.
    @Option(names = "--store", paramLabel = "DIR", description = "Store directory, created if missing (required).")
    Path store;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Kafka to consume from (default: the embedded broker in --kafka-dir).")
    String bootstrapServers;

    @Option(names = "--kafka-dir", paramLabel = "DIR",
            description = "Embedded broker data directory when no --bootstrap-servers is given (default: 'kafka' beside the store directory).")
    Path kafkaDir;

    @Option(names = "--group", defaultValue = CollectorConfig.DEFAULT_GROUP, paramLabel = "ID",
            description = "Consumer group; collectors of one group share the partitions (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--consumers", defaultValue = "1", paramLabel = "N",
            description = "Consumer threads writing this store (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Static group membership id, so a restarted collector takes its partitions back at once"
                    + " (default: derived from the store's absolute path).")
    String instanceId;

    @Option(names = "--sync", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Fsync each batch's WAL before committing its offsets, so nothing committed is lost even on power"
                    + " failure (default: ${DEFAULT-VALUE}).")
    boolean sync;

    @Option(names = "--metrics-port", defaultValue = "" + DEFAULT_METRICS_PORT, paramLabel = "PORT",
            description = "Port of the Prometheus /metrics endpoint; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            return YamlConfig.rerunWith(spec, config);
        }
        if (store == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--store=DIR'");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("--metrics-port must be 0 to 65535, got " + metricsPort);
        }
        Path kafkaData = kafkaDir != null ? kafkaDir : KafkaSource.besideStore(store);
        CountDownLatch closed = new CountDownLatch(1);
        try (KafkaSource kafka = KafkaSource.of(bootstrapServers, kafkaData);
             TrajectoryStore trajectoryStore = TrajectoryStore.open(store)) {
            CollectorConfig config = CollectorConfig.defaults(kafka.bootstrapServers()).withGroupId(group)
                    .withConsumers(consumers).withSyncWrites(sync)
                    .withInstanceId(instanceId != null ? instanceId : defaultInstanceId(store));
            CollectorMetrics metrics = new CollectorMetrics(CollectorRegistry.defaultRegistry);
            Collector collector = new Collector(config, trajectoryStore, metrics);
            Thread hook = new Thread(() -> {
                collector.shutdown();
                try {
                    closed.await(java.util.concurrent.TimeUnit.SECONDS.toMillis(60), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stemma-collect-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try (HTTPServer server = metricsPort == 0 ? null
                    : new HTTPServer(new InetSocketAddress(metricsPort), CollectorRegistry.defaultRegistry, true)) {
                System.out.println("collecting " + config.topic() + " from " + kafka.describe() + " into " + store.toAbsolutePath()
                        + (server == null ? "" : "; metrics on http://localhost:" + server.getPort() + "/metrics"));
                System.out.flush();
                collector.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Shutting down: the hook is running and waits for the latch below.
                }
            }
        } finally {
            closed.countDown();
        }
        return 0;
    }

    /** One static member per store: a stable id from the store's absolute path. */
    static String defaultInstanceId(Path store) throws Exception {
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                .digest(store.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "stemma-collector-" + HexFormat.of().formatHex(sha, 0, 6);
    }
}
