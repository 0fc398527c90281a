package dev.stemma.cli;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.analyzer.serve.DriftServer;
import dev.stemma.analyzer.serve.ServeConfig;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.trainer.CustomiseConfig;
import io.prometheus.client.CollectorRegistry;
import dev.stemma.trainer.Pngs;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.data.ConceptFolders;
import dev.stemma.trainer.data.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemma demo}: the whole pipeline on the embedded stack, from the shipped base to
 * {@code report.html}: writes the customisation set (held-back concepts plus micro-concepts),
 * trains with the agent recording into the embedded broker and collector while the analyzer
 * server follows the store, generates images, attributes them and writes the report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline on this machine and writes report.html.",
                "Customises the shipped base on the 4 held-back Fashion-MNIST concepts and 4 micro-concepts with the agent",
                "attached (embedded Kafka broker and collector), serves the live drift page and metrics while it trains,",
                "generates images, attributes them by replay and writes the report. Everything stays under --dir."})
final class DemoCommand implements Callable<Integer> {
    /** Probe activations every this many steps; the default timesteps (two) are taken in turn. */
    private static final int ACTIVATION_EVERY = 10;
    /** Attribution needs two recorded steps of each timestep: t=200 at 0 and 20, t=600 at 10 and 30. */
    static final int MIN_STEPS = 3 * ACTIVATION_EVERY + 1;
    private static final int STAGES = 5;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of options (keys = long option names without --); the command line wins.")
    Path config;

    @Option(names = "--dir", defaultValue = "stemma-data/demo", paramLabel = "DIR",
            description = "Where the demo writes its data, store, run and report (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--base", defaultValue = "models/base-fmnist6", paramLabel = "DIR",
            description = "Base model (default: ${DEFAULT-VALUE}, the shipped base).")
    Path base;

    @Option(names = "--data", defaultValue = DataOption.AUTO, paramLabel = "SPEC",
            description = "Source of the concepts' images (default: " + DataOption.AUTO_TEXT + ").")
    String data;

    @Option(names = "--steps", defaultValue = "800", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--images-per-concept", defaultValue = "" + CustomiseConfig.DEFAULT_IMAGES_PER_CONCEPT, paramLabel = "N",
            description = "Training images of each held-back concept (default: ${DEFAULT-VALUE}).")
    int perConcept;

    @Option(names = "--micro", defaultValue = "4x2", paramLabel = "NxK",
            description = "Micro-concepts: N of K images each (default: ${DEFAULT-VALUE}).")
    String micro;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "P",
            description = "Port of the analyzer server (live page, JSON API, /metrics) on 127.0.0.1; 0 picks a free one"
                    + " (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-port", defaultValue = "9404", paramLabel = "P",
            description = "Port of the trainer's and collector's Prometheus metrics on 127.0.0.1; 0 for none (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    /**
     * The report's method: the content-only winner before token-likelihood, which would add about two
     * minutes (its token gains of every training image) to a demo of about six.
     */
    static final String DEFAULT_METHOD = AttributeCommand.RECORDED_PROBES_DEFAULT;

    @Option(names = "--method", defaultValue = DEFAULT_METHOD, paramLabel = "NAME",
            description = "Attribution method of the report (default: ${DEFAULT-VALUE}; token-likelihood, the evaluation's"
                    + " content-only winner, takes about two minutes more).")
    String method;

    @Option(names = "--keep-serving", description = "Keep the analyzer server up after the report, until Ctrl-C.")
    boolean keepServing;

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            return YamlConfig.rerunWith(spec, config);
        }
        if (steps < MIN_STEPS) {
            throw new IllegalArgumentException("--steps " + steps + " is too few: the demo records each probe timestep"
                    + " every " + 2 * ACTIVATION_EVERY + " steps and attribution needs two of each; give at least "
                    + MIN_STEPS);
        }

        long began = System.nanoTime();
        Path dataDir = dir.resolve("data");
        Path store = dir.resolve("store");
        String runId = "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path adapter = dir.resolve("runs").resolve(runId).resolve("adapter.stw");

        stage(1, "customisation set: " + CustomiseConfig.DEFAULT_CONCEPTS + " x " + perConcept + " images + micro-concepts " + micro);
        List<String> concepts = conceptSet(dataDir);
        Progress.log("concepts " + String.join(",", concepts) + " in folder:" + dataDir);

        TrajectoryStore.open(store).close(); // the collector fills it; the server follows it from the start
        CollectorRegistry registry = new CollectorRegistry();
        try (DriftServer server = DriftServer.start(ServeConfig.of(store).withPort(port), registry)) {
            String page = server.url().toString();
            String metrics = server.url().resolve("/metrics").toString();
            stage(2, "analyzer server: live page " + page + "  metrics " + metrics);
            stage(3, "training " + steps + " steps with the agent recording into " + store);
            TrainCommand train = new TrainCommand();
            try (ProgressBar bar = new ProgressBar("training", steps)) {
                train.extraListeners = List.of(stepCounter(bar));
                int rc = new CommandLine(train).execute("--base", base.toString(), "--data", "folder:" + dataDir,
                        "--concepts", String.join(",", concepts), "--run", runId, "--out", adapter.toString(), "--store",
                        store.toString(), "--steps", Integer.toString(steps), "--probes-per-concept",
                        Integer.toString(perConcept), "--activation-every", Integer.toString(ACTIVATION_EVERY),
                        "--metrics-port", Integer.toString(metricsPort));
                if (rc != 0) {
                    return rc;
                }
            }
            stage(4, "generating images of every concept and two mixtures");
            Path generated = dir.resolve("generated").resolve(runId);
            generate(adapter, concepts, generated);
            stage(5, "attributing the generated images (" + method + ", content-only) into the report");
            Path report = dir.resolve("report.html");
            int rc = new CommandLine(new AttributeCommand()).execute("--store", store.toString(), "--run", runId, "--images",
                    generated.toString(), "--method", method, "--json", dir.resolve("attribution.json").toString(), "--html",
                    report.toString());
            if (rc != 0) {
                return rc;
            }
            System.out.printf("%nreport    %s%nlive page %s%nmetrics   %s (analyzer)%s%nrun       %s in store %s%ndone in %.0f s%n",
                    report.toAbsolutePath(), page, metrics, metricsPort == 0 ? ""
                            : ", http://127.0.0.1:" + metricsPort + "/metrics (trainer and collector, while training)",
                    runId, store.toAbsolutePath(),
                    (System.nanoTime() - began) / 1e9);
            if (keepServing) {
                Progress.log("serving until Ctrl-C");
                Thread.currentThread().join();
            }
        }
        return 0;
    }

    private static void stage(int n, String what) {
        Progress.log("[" + n + "/" + STAGES + "] " + what);
    }

    private List<String> conceptSet(Path dataDir) throws Exception {
        int[] nk = ConceptFolders.parseMicro(micro);
        if (Files.isDirectory(dataDir)) {
            try (var s = Files.list(dataDir)) {
                List<String> existing = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
                if (!existing.isEmpty()) {
                    Progress.log("reusing the customisation set in " + dataDir);
                    List<String> ordered = new ArrayList<>(existing.stream().filter(c -> !c.startsWith("micro-")).toList());
                    ordered.addAll(existing.stream().filter(c -> c.startsWith("micro-")).toList());
                    return ordered;
                }
            }
        }
        return ConceptFolders.write(Datasets.open(DataOption.resolve(data)), CustomiseConfig.DEFAULT_CONCEPTS, perConcept, nk[0], nk[1],
                dataDir);
    }

    private static TrainingListener stepCounter(ProgressBar bar) {
        return new TrainingListenerAdapter() {
            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                bar.step(null);
            }
        };
    }

    /** Two images per concept (one per micro-concept) and two 50/50 mixtures of main concepts. */
    private void generate(Path adapter, List<String> concepts, Path out) throws Exception {
        Map<String, Map<String, Float>> plan = new LinkedHashMap<>();
        List<String> main = concepts.stream().filter(c -> !c.startsWith("micro-")).toList();
        for (String c : concepts) {
            int n = c.startsWith("micro-") ? 1 : 2;
            for (int i = 0; i < n; i++) {
                plan.put(c + "_" + i, Map.of(c, 1f));
            }
        }
        for (int p = 0; p + 1 < main.size() && p < 4; p += 2) {
            plan.put(main.get(p) + "+" + main.get(p + 1), Map.of(main.get(p), 0.5f, main.get(p + 1), 0.5f));
        }
        Files.createDirectories(out);
        try (StemmaModel model = StemmaModel.open(base, adapter); ProgressBar bar = new ProgressBar("generating", plan.size())) {
            long seed = 11;
            for (Map.Entry<String, Map<String, Float>> e : plan.entrySet()) {
                float[][] images = model.sample(new float[][] {model.mix(e.getValue())}, seed++, 25, 4f);
                Pngs.write(Pngs.toImage(images[0], model.config().imageChannels(), model.config().imageSize(),
                        model.config().imageSize()), out.resolve(Pngs.safeName(e.getKey()) + ".png"));
                bar.step(e.getKey());
            }
        }
    }
}
