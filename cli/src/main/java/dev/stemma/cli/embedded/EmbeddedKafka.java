package dev.stemma.cli.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker, run as a child JVM from the {@code kafka_2.13} jars on
 * this process's class path, listening on loopback only, with its data under
 * {@link EmbeddedKafkaConfig#dataDir()}. What the commands use when no
 * {@code --bootstrap-servers} is given, and what integration tests talk to.
 *
 * <p>The broker stops cleanly on {@link #close()}, on JVM exit (Ctrl-C included) through a
 * shutdown hook, and when this process dies without running hooks, because the child exits when
 * its standard input, held by this process, closes. Its cluster id and ports are kept in the data
 * directory, so a restart serves the same log on the same address. Retention is unlimited: the
 * topic is the replay log that {@code stemma replay} rebuilds a store from.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String STATE_FILE = "stemma-broker.properties";

    private final EmbeddedKafkaConfig config;
    private final String clusterId;
    private final int brokerPort;
    private final int controllerPort;
    private final Thread shutdownHook;
    private Process process;

    private EmbeddedKafka(EmbeddedKafkaConfig config, String clusterId, int brokerPort, int controllerPort) {
        this.config = config;
        this.clusterId = clusterId;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.shutdownHook = new Thread(this::stopQuietly, "stemma-embedded-kafka-shutdown");
    }

    /**
     * Starts a broker over {@code config.dataDir()} and waits until it answers.
     *
     * @throws IOException if the directory cannot be used or the broker does not come up in time;
     *                     the message carries the end of the broker's log
     */
    public static EmbeddedKafka start(EmbeddedKafkaConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        Path stateFile = config.dataDir().resolve(STATE_FILE);
        Properties state = new Properties();
        if (Files.exists(stateFile)) {
            try (InputStream in = Files.newInputStream(stateFile)) {
                state.load(in);
            }
        }
        String clusterId = state.getProperty("cluster.id", Uuid.randomUuid().toString());
        int brokerPort = reusePortOrPickFree(state.getProperty("broker.port"));
        int controllerPort = reusePortOrPickFree(state.getProperty("controller.port"));
        while (controllerPort == brokerPort) {
            controllerPort = freePort();
        }
        state.setProperty("cluster.id", clusterId);
        state.setProperty("broker.port", Integer.toString(brokerPort));
        state.setProperty("controller.port", Integer.toString(controllerPort));
        try (OutputStream out = Files.newOutputStream(stateFile)) {
            state.store(out, "Stemma embedded broker: cluster id and ports, reused on restart");
        }
        EmbeddedKafka kafka = new EmbeddedKafka(config, clusterId, brokerPort, controllerPort);
        Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
        try {
            kafka.launch();
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** {@code host:port} for Kafka clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The directory holding the broker's data and its log file. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** Whether the broker process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker cleanly, keeping its data; {@link #restart()} brings it back on the same port. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        try {
            p.getOutputStream().close(); // the child's watchdog sees end of input and exits cleanly
        } catch (IOException e) {
            // Already closed: the child is going away anyway.
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the broker again over the same data and ports, after {@link #stop()}. */
    public synchronized void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and this hook is running or ran.
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            // Nothing more can be done during JVM shutdown.
        }
    }

    private synchronized void launch() throws IOException {
        Path propsFile = writeServerProperties();
        Path logFile = config.dataDir().resolve("broker.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xms64m", "-Xmx" + config.maxHeapMegabytes() + "m",
                "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"),
                BrokerMain.class.getName(), propsFile.toString(), clusterId));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // an agent meant for the trainer must not attach here
        process = pb.start();
        awaitReady(logFile);
    }

    private Path writeServerProperties() throws IOException {
        Path logs = config.dataDir().resolve("logs").toAbsolutePath();
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("log.dirs", logs.toString());
        props.put("num.partitions", Integer.toString(config.partitions()));
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        // The topic is the replay log: keep everything.
        props.put("log.retention.ms", "-1");
        props.put("log.retention.bytes", "-1");
        // One step snapshot with probe activations can pass Kafka's 1 MB default.
        props.put("message.max.bytes", Integer.toString(64 << 20));
        props.put("replica.fetch.max.bytes", Integer.toString(64 << 20));
        props.put("socket.request.max.bytes", Integer.toString(128 << 20));
        StringBuilder text = new StringBuilder("# Written by Stemma's embedded broker at each start.\n");
        props.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = config.dataDir().resolve("server.properties");
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        return file.toAbsolutePath();
    }

    private void awaitReady(Path logFile) throws IOException {
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        // First wait for the port to accept connections, so the admin client does not log a
        // warning for every refused attempt; then ask the broker for the cluster.
        while (!accepts(brokerPort)) {
            if (!process.isAlive()) {
                throw new IOException("embedded Kafka broker exited with code " + process.exitValue()
                        + " while starting; end of " + logFile + ":\n" + tail(logFile));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("embedded Kafka broker did not open port " + brokerPort + " within "
                        + config.startTimeout().toSeconds() + " s; end of " + logFile + ":\n" + tail(logFile));
            }
            sleep(Duration.ofMillis(100));
        }
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "stemma-embedded-kafka-probe");
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        adminProps.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("embedded Kafka broker exited with code " + process.exitValue()
                            + " while starting; end of " + logFile + ":\n" + tail(logFile));
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("embedded Kafka broker did not answer on " + bootstrapServers() + " within "
                                + config.startTimeout().toSeconds() + " s; end of " + logFile + ":\n" + tail(logFile));
                    }
                    sleep(Duration.ofMillis(100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the embedded Kafka broker", e);
                }
            }
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    private static int reusePortOrPickFree(String saved) throws IOException {
        if (saved != null) {
            int port = Integer.parseInt(saved);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // Someone else has it now; the broker moves to a fresh port.
            }
        }
        return freePort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
