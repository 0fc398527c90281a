package dev.stemma.cli;

import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma broker}: runs the embedded Kafka broker in the foreground until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs the embedded Kafka broker (single-node KRaft, loopback only) until Ctrl-C.",
                "Use it to run train and collect as separate processes on one machine."})
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "stemma-data/kafka", paramLabel = "DIR",
            description = "Broker data directory, reused across starts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "" + EmbeddedKafkaConfig.DEFAULT_PARTITIONS, paramLabel = "N",
            description = "Partitions of auto-created topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--heap-mb", defaultValue = "" + EmbeddedKafkaConfig.DEFAULT_HEAP_MB, paramLabel = "MB",
            description = "Heap of the broker JVM in MB (default: ${DEFAULT-VALUE}).")
    int heapMb;

    @Option(names = "--start-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "Seconds to wait for the broker to answer (default: ${DEFAULT-VALUE}).")
    int startTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafkaConfig config = new EmbeddedKafkaConfig(dataDir, partitions,
                Duration.ofSeconds(startTimeoutSeconds), heapMb);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(config)) {
            System.out.println("Kafka broker ready: --bootstrap-servers " + kafka.bootstrapServers()
                    + " (data in " + kafka.dataDir().toAbsolutePath() + "; Ctrl-C stops it)");
            System.out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            forever.await(); // Ctrl-C runs the broker's shutdown hook, which stops it cleanly
        }
        return 0;
    }
}
