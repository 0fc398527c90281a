package dev.stemma.cli;

import dev.stemma.cli.embedded.EmbeddedKafka;
import dev.stemma.cli.embedded.EmbeddedKafkaConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Kafka a command talks to: the one named by {@code --bootstrap-servers}, or else the
 * embedded broker started over a data directory and stopped on {@link #close()}.
 */
final class KafkaSource implements AutoCloseable {
    private final String bootstrapServers;
    private final EmbeddedKafka embedded;

    private KafkaSource(String bootstrapServers, EmbeddedKafka embedded) {
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
    }

    static KafkaSource of(String bootstrapServers, Path embeddedDataDir) throws IOException {
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            return new KafkaSource(bootstrapServers, null);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.at(embeddedDataDir));
        return new KafkaSource(kafka.bootstrapServers(), kafka);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** What to print about where Kafka is. */
    String describe() {
        return embedded == null ? bootstrapServers
                : bootstrapServers + " (embedded broker, data in " + embedded.dataDir().toAbsolutePath() + ")";
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    /** The default embedded broker directory for a store: {@code kafka} beside it. */
    static Path besideStore(Path store) {
        Path parent = store.toAbsolutePath().normalize().getParent();
        return (parent == null ? Path.of(".") : parent).resolve("kafka");
    }
}
