package dev.stemma.cli;

import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.eval.Evaluation;
import dev.stemma.analyzer.eval.EvaluationConfig;
import dev.stemma.analyzer.eval.EvaluationReport;
import dev.stemma.analyzer.replay.RunAnalysis;
import dev.stemma.analyzer.replay.RunReplay;
import dev.stemma.analyzer.replay.RunTrainingImages;
import dev.stemma.protocol.RunManifest;
import dev.stemma.collector.TrajectoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stemma evaluate}: every method on the same generated test set, with the default each setting gets. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores every attribution method on test images generated from the run's model, with known truth.",
                "Single-concept and mixed-token generations (top-1, shifted cosine, Spearman), micro-concept generations",
                "(Recall@K and mAP of their exemplars), blank and noise controls (low-confidence rate), exposure check and",
                "costs; prompt-known and content-only reported apart. Picks each setting's default by a fixed rule."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", defaultValue = "stemma-data/store", paramLabel = "DIR",
            description = "Store written by the collector (default: ${DEFAULT-VALUE}).")
    Path store;

    @Option(names = "--run", required = true, paramLabel = "ID", description = "Run to evaluate.")
    String run;

    @Option(names = "--methods", split = ",", paramLabel = "M,..",
            description = "Methods to score (default: all the analyzer can build but tracin, which recomputes every training"
                    + " gradient per query).")
    List<String> methods;

    @Option(names = "--generations", defaultValue = "8", paramLabel = "N",
            description = "Generations per concept token (default: ${DEFAULT-VALUE}).")
    int generations;

    @Option(names = "--mix-generations", defaultValue = "4", paramLabel = "N",
            description = "Generations per (pair, weight) mixture cell; 4 pairs x weights 0.25, 0.5, 0.75 (default: ${DEFAULT-VALUE}).")
    int mixGenerations;

    @Option(names = "--rank", defaultValue = "" + RepresentationConfig.DEFAULT_RANK, paramLabel = "K",
            description = "Rank of the trajectory subspaces (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--base", paramLabel = "DIR", description = "Base model (default: the one the run recorded).")
    Path base;

    @Option(names = "--data", paramLabel = "SPEC", description = "Dataset of the training images (default: the run's).")
    String data;

    @Option(names = "--judge", defaultValue = JudgeOption.DEFAULT, paramLabel = "DIR|none",
            description = "Fidelity judge whose penultimate layer is the classifier-embedding baseline (default:"
                    + " ${DEFAULT-VALUE}; 'none', or a default that is not there, leaves those methods out).")
    String judge;

    @Option(names = "--lds", defaultValue = "0", paramLabel = "M",
            description = "Retrain the customisation on M random halves of its training images (each a whole customisation,"
                    + " without the agent) and report each method's linear datamodeling score; the bar asks for M >= 16"
                    + " (default: ${DEFAULT-VALUE}, not measured).")
    int lds;

    @Option(names = "--lds-dir", paramLabel = "DIR",
            description = "Where the halves' datasets and adapters go; a half already trained there on the same images is reused"
                    + " (default: stemma-data/lds/RUN).")
    Path ldsDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here.")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Write the Markdown table here (default: print it).")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        EvaluationConfig config = EvaluationConfig.defaults().withGenerations(generations, mixGenerations)
                .withRepresentation(RepresentationConfig.defaults().withRank(rank))
                .withMethods(methods == null || methods.isEmpty() ? EvaluationConfig.defaults().methods() : methods)
                .withLdsHalves(lds);
        for (String m : config.methods()) {
            if (!RunAnalysis.knownMethods().contains(m)) {
                throw new IllegalArgumentException("unknown method '" + m + "'; known: " + String.join(", ", RunAnalysis.knownMethods()));
            }
        }
        String command = "stemma " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        // The outputs' folders before the long run, not after it: a missing one lost a 20-minute evaluation.
        for (java.nio.file.Path out : new java.nio.file.Path[] {json, markdown}) {
            if (out != null && out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
        }
        try (TrajectoryStore s = TrajectoryStore.openReadOnly(store)) {
            Evaluation.Result result = Evaluation.run(s, run,
                    new Evaluation.Sources(base, data, JudgeOption.resolve(judge), lds > 0 ? retrainer(s) : null), config,
                    Progress::log);
            EvaluationReport report = new EvaluationReport(result, command);
            if (json != null) {
                Files.writeString(json, report.json() + "\n");
                Progress.log("wrote " + json);
            }
            if (markdown != null) {
                Files.writeString(markdown, report.markdown());
                Progress.log("wrote " + markdown);
            } else {
                System.out.println(report.markdown());
            }
        }
        return 0;
    }

    private SubsetRetrainer retrainer(TrajectoryStore s) {
        if (!s.hasRun(run)) {
            throw new IllegalArgumentException("unknown run '" + run + "' in store " + store + " (runs: " + String.join(", ", s.runs()) + ")");
        }
        try (RunReplay replay = RunReplay.open(s, run, base)) {
            RunManifest manifest = replay.manifest();
            String spec = data != null ? data : RunTrainingImages.datasetSpec(manifest);
            Path dir = ldsDir != null ? ldsDir : Path.of("stemma-data", "lds", run);
            return new SubsetRetrainer(manifest, replay.baseDirectory(), spec, replay.model().config().imageChannels(),
                    replay.model().config().imageSize(), dir);
        }
    }
}
