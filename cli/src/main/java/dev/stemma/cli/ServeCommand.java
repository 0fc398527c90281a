package dev.stemma.cli;

import dev.stemma.agent.AgentConfigFile;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.drift.DriftConfig;
import dev.stemma.analyzer.serve.DriftServer;
import dev.stemma.analyzer.serve.ServeConfig;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma serve}: attribution drift of the runs in a store, live, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the attribution drift of a store's runs while the collector fills it: a live page, a JSON API"
                + " and Prometheus metrics, read-only, until Ctrl-C.",
                "Every --refresh-seconds it catches up with the store and attributes each run's probe generations"
                + " (trajectory-cosine) at up to --checkpoints recorded steps, each time using only the steps recorded up"
                + " to the checkpoint; checkpoints already computed are kept.",
                "Routes: / and /runs/ID (live page), /api/runs, /api/runs/ID/drift[?since=STEP],"
                + " /api/runs/ID/attribution[?top=K], /metrics."})
final class ServeCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of options (keys = long option names without --); the command line wins.")
    Path config;

    @Option(names = "--store", paramLabel = "DIR", description = "Store written by the collector (required).")
    Path store;

    @Option(names = "--host", defaultValue = ServeConfig.DEFAULT_HOST, paramLabel = "ADDR",
            description = "Address to bind; other machines can reach a non-loopback one (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServeConfig.DEFAULT_PORT, paramLabel = "PORT",
            description = "Port to bind, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--refresh-seconds", defaultValue = "" + ServeConfig.DEFAULT_REFRESH_SECONDS, paramLabel = "S",
            description = "Pause between two refreshes of the store; the page polls as often (default: ${DEFAULT-VALUE}).")
    int refreshSeconds;

    @Option(names = "--rank", defaultValue = "" + RepresentationConfig.DEFAULT_RANK, paramLabel = "K",
            description = "Rank of the training-increment subspace (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--checkpoints", defaultValue = "" + DriftConfig.DEFAULT_CHECKPOINTS, paramLabel = "N",
            description = "Most drift checkpoints per run, evenly spaced over the recorded steps, the latest included"
                    + " (default: ${DEFAULT-VALUE}).")
    int checkpoints;

    @Option(names = "--conditioning", defaultValue = "null", paramLabel = "C",
            description = "Recorded conditioning to compare under: null (content only) or own (default: ${DEFAULT-VALUE}).")
    String conditioning;

    @Option(names = "--top", defaultValue = "" + ServeConfig.DEFAULT_TOP_IMAGES, paramLabel = "K",
            description = "Training images listed per generation by /attribution without ?top= (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            return YamlConfig.rerunWith(spec, config);
        }
        if (store == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--store=DIR'");
        }
        if (refreshSeconds < 1) {
            throw new IllegalArgumentException("--refresh-seconds " + refreshSeconds + " must be at least 1");
        }
        ServeConfig config = ServeConfig.of(store).withHost(host).withPort(port)
                .withRefresh(Duration.ofSeconds(refreshSeconds))
                .withConditioning(AgentConfigFile.conditioning(conditioning))
                .withDrift(DriftConfig.defaults().withCheckpoints(checkpoints)
                        .withRepresentation(RepresentationConfig.defaults().withRank(rank)))
                .withTopImages(top);
        CollectorRegistry registry = new CollectorRegistry();
        DefaultExports.register(registry); // the JVM's own metrics beside the analyzer's
        CountDownLatch stopped = new CountDownLatch(1);
        DriftServer server = DriftServer.start(config, registry);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "stemma-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Progress.log("serving the drift of " + store.toAbsolutePath() + " on " + server.url() + " (metrics on "
                + server.url().resolve("/metrics") + "); Ctrl-C stops");
        stopped.await();
        return 0;
    }
}
