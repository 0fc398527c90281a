package dev.stemma.cli;

import dev.stemma.collector.Collector;
import dev.stemma.collector.CollectorConfig;
import dev.stemma.collector.CollectorMetrics;
import dev.stemma.collector.TrajectoryStore;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma replay}: rebuilds a store from the topic, from offset 0. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuilds a store from the snapshots topic: reads every partition from offset 0 up to its end at start,"
                + " writes as the collector does, and exits. --store must not exist or be empty.",
                "Bad records are counted, not sent to the dead-letter topic again. Uses a fresh consumer group of its own."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "New store directory.")
    Path store;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Kafka to read (default: the embedded broker in --kafka-dir).")
    String bootstrapServers;

    @Option(names = "--kafka-dir", paramLabel = "DIR",
            description = "Embedded broker data directory when no --bootstrap-servers is given (default: 'kafka' beside the store directory).")
    Path kafkaDir;

    @Override
    public Integer call() throws Exception {
        requireNewStore(store);
        Path kafkaData = kafkaDir != null ? kafkaDir : KafkaSource.besideStore(store);
        try (KafkaSource kafka = KafkaSource.of(bootstrapServers, kafkaData);
             TrajectoryStore trajectoryStore = TrajectoryStore.open(store)) {
            CollectorConfig config = CollectorConfig.defaults(kafka.bootstrapServers()).replaying();
            CollectorMetrics metrics = new CollectorMetrics(new CollectorRegistry());
            new Collector(config, trajectoryStore, metrics).run();
            System.out.printf("replayed %s from offset 0 into %s: %.0f steps, %.0f bytes written, %.0f bad records%n",
                    config.topic(), store.toAbsolutePath(), metrics.stepsWritten(), metrics.bytesWritten(), metrics.deadLetterCount());
            for (String run : trajectoryStore.runs()) {
                VerifyCommand.print(trajectoryStore.verify(run), System.out);
            }
        }
        return 0;
    }

    static void requireNewStore(Path store) throws IOException {
        if (Files.isRegularFile(store)) {
            throw new IllegalArgumentException("--store " + store + " is a file; expected a new or empty directory");
        }
        if (Files.isDirectory(store)) {
            try (Stream<Path> entries = Files.list(store)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--store " + store + " is not empty; replay rebuilds a store from scratch");
                }
            }
        }
    }
}
