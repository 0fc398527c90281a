package dev.stemma.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.agent.AgentConfigFile;
import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.ScoredItem;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.ProbeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemma attribute}: concept shares, top training images and a confidence for the probe
 * generations a run recorded, from their representation trajectories. Attributing new images
 * (replay of the stored steps) comes with the analyzer issue.
 */
@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = {"Attributes a run's recorded probe generations to its concepts and training images.",
                "Compares the trajectories of their internal representations with the training images' (SVD subspace",
                "of the training increments, cosine per step); prints concept shares, the top training images and a",
                "confidence as JSON on stdout or --json. New images (replay over the stored steps) are not attributed yet."})
final class AttributeCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store written by the collector.")
    Path store;

    @Option(names = "--run", required = true, paramLabel = "ID", description = "Run to attribute against.")
    String run;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K",
            description = "Training images listed per generation (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--conditioning", defaultValue = "null", paramLabel = "C",
            description = "Recorded conditioning to compare under: null (content only) or own (default: ${DEFAULT-VALUE}).")
    String conditioning;

    @Option(names = "--rank", defaultValue = "" + RepresentationConfig.DEFAULT_RANK, paramLabel = "K",
            description = "Rank of the training-increment subspace (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here instead of stdout.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new IllegalArgumentException("--top " + top + " must be at least 1");
        }
        Conditioning cond = AgentConfigFile.conditioning(conditioning);
        try (TrajectoryStore trajectoryStore = TrajectoryStore.openReadOnly(store)) {
            if (!trajectoryStore.hasRun(run)) {
                throw new IllegalArgumentException("unknown run '" + run + "' in store " + store + " (runs: "
                        + String.join(", ", trajectoryStore.runs()) + ")");
            }
            StoredProbeTrajectories trajectories = StoredProbeTrajectories.open(trajectoryStore, run, cond);
            Progress.log("building the subspace and index of " + trajectories.trainingSet().size() + " training images x "
                    + trajectories.steps() + " recorded steps x " + trajectories.channels().size() + " channels");
            Analyzer analyzer = Analyzer.builder(run, trajectories.trainingSet())
                    .representationTrajectories(trajectories, RepresentationConfig.defaults().withRank(rank))
                    .build();
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("run", run);
            root.put("method", Analyzer.TRAJECTORY_COSINE);
            root.put("conditioning", cond.name());
            root.put("rank", rank);
            root.put("recordedSteps", trajectories.steps());
            root.putPOJO("channels", trajectories.channels());
            ArrayNode images = root.putArray("images");
            int correct = 0;
            int n = 0;
            for (ProbeSpec p : trajectories.manifest().probes()) {
                if (p.kind() != ProbeSpec.Kind.GENERATION) {
                    continue;
                }
                Attribution a = analyzer.attribute(Analyzer.TRAJECTORY_COSINE,
                        Query.empty().withTrajectory(trajectories.trajectoryOf(p.probeId())));
                ObjectNode o = images.addObject();
                o.put("probe", p.probeId());
                o.put("image", p.imageId());
                o.put("generatedAs", p.concept());
                o.put("topConcept", a.topConcept());
                ObjectNode shares = o.putObject("shares");
                double[] s = a.shares();
                for (int c = 0; c < s.length; c++) {
                    shares.put(a.concepts().get(c), round4(s[c]));
                }
                o.put("confidence", round4(a.confidence().value()));
                o.put("lowConfidence", a.confidence().low());
                ArrayNode topImages = o.putArray("topTrainingImages");
                for (ScoredItem item : a.topItems(top)) {
                    topImages.addObject().put("image", item.id()).put("concept", item.concept())
                            .put("score", round4(item.score()));
                }
                n++;
                correct += a.topConcept().equals(p.concept()) ? 1 : 0;
            }
            root.put("generations", n);
            root.put("topConceptIsGeneratingConcept", n == 0 ? 0 : (double) correct / n);
            String text = mapper.writeValueAsString(root);
            if (json != null) {
                Files.writeString(json, text + "\n");
                Progress.log("wrote " + json);
            } else {
                System.out.println(text);
            }
        }
        return 0;
    }

    /** Four decimals are plenty for shares, scores and confidences in a report. */
    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
