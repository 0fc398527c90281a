package dev.stemma.cli;

import dev.stemma.analyzer.bench.AnalyzerBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma bench analyzer}: the representation method's build, latency and memory on synthetic trajectories. */
@Command(name = "analyzer", mixinStandardHelpOptions = true,
        description = {"Builds the trajectory-cosine method over synthetic trajectories streamed item by item and times",
                "queries once it is built: subspace and index seconds and peak heap, query latency (median, p95), as JSON.",
                "Run it under the heap you want to check, e.g. STEMMA_JAVA_OPTS=-Xmx1g."})
final class BenchAnalyzerCommand implements Callable<Integer> {

    @Option(names = "--items", defaultValue = "1000", paramLabel = "N", description = "Training images (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--steps", defaultValue = "500", paramLabel = "N", description = "Recorded increments per image (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--dim", defaultValue = "128", paramLabel = "D", description = "Pooled activation size (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--rank", defaultValue = "16", paramLabel = "K", description = "Subspace rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--queries", defaultValue = "100", paramLabel = "N", description = "Timed queries (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--subspace-only", description = "Measure the streamed subspace build only (the memory bar's first half).")
    boolean subspaceOnly;

    @Override
    public Integer call() {
        if (items < 2 || steps < 1 || dim < 1 || rank < 1 || queries < 1) {
            throw new IllegalArgumentException("--items >= 2, --steps, --dim, --rank and --queries >= 1 are required");
        }
        System.out.println(AnalyzerBenchmark.run(new AnalyzerBenchmark.Settings(items, steps, dim, rank, queries, subspaceOnly))
                .toJson());
        return 0;
    }
}
