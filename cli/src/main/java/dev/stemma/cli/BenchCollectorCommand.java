package dev.stemma.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma bench collector}: collector ingest MB/s beside a raw consumer's on the same broker. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Fills a fresh topic with synthetic step snapshots, then alternates a raw consumer (read and count bytes)"
                + " and the collector (read, check, write to a fresh store with the WAL synced, commit) over it from offset 0,"
                + " after one unmeasured warm-up pair, and prints both MB/s per round, their medians and the ratio as JSON,"
                + " with each pass's JVM CPU milliseconds per MB (not counting an embedded broker, a child process) and the"
                + " share of the machine's cores that were busy (/proc/stat; null where there is none)."})
final class BenchCollectorCommand implements Callable<Integer> {

    @Option(names = "--mb", defaultValue = "600", paramLabel = "MB",
            description = {"Megabytes of step snapshots to put on the topic (default: ${DEFAULT-VALUE}; at 200 MB the raw"
                    + " consumer's start-up, not its reading, is most of its time: it read 180 to 250 MB/s there against"
                    + " 460 to 550 MB/s at 600 MB, which flattered the ratio)."})
    int megabytes;

    @Option(names = "--step-kb", defaultValue = "256", paramLabel = "KB",
            description = "Approximate size of one step snapshot (default: ${DEFAULT-VALUE}).")
    int stepKilobytes;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Rounds; each runs both readers, in alternating order (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--sync", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Fsync the collector's WAL per batch, as 'collect' does by default (default: ${DEFAULT-VALUE}).")
    boolean sync;

    @Option(names = "--consumers", defaultValue = "1", paramLabel = "N",
            description = {"Consumer threads of both readers: the collector's loops (as 'collect --consumers') and as many raw"
                    + " consumers, thread i of each reading the partitions whose number modulo N is i (default: ${DEFAULT-VALUE})."})
    int consumers;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Kafka to use, on a fresh topic (default: an embedded broker in a temporary directory).")
    String bootstrapServers;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the temporary broker and stores go (default: the system temporary directory).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (megabytes < 1 || stepKilobytes < 4 || rounds < 1 || consumers < 1 || consumers > 64) {
            throw new IllegalArgumentException("--mb must be >= 1, --step-kb >= 4, --rounds >= 1 and --consumers 1 to 64");
        }
        Path dir = workDir == null ? Files.createTempDirectory("stemma-bench-collector")
                : Files.createDirectories(workDir).resolve("bench-" + System.nanoTime());
        Files.createDirectories(dir);
        try (KafkaSource kafka = KafkaSource.of(bootstrapServers, dir.resolve("kafka"))) {
            CollectorBenchmark.Result result = new CollectorBenchmark(kafka.bootstrapServers(), dir, megabytes, stepKilobytes,
                    rounds, sync, consumers).run();
            System.out.println(result.toJson());
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // Best effort: it is a temporary directory.
        }
    }
}
