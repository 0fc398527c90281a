package dev.stemma.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.ScoredItem;
import dev.stemma.analyzer.replay.RunAnalysis;
import dev.stemma.analyzer.report.HtmlReport;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.ProbeSpec;
import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.LooseImages;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemma attribute}: concept shares, top training images and a confidence for images,
 * against one recorded run. New images are replayed through the run's model at its recorded
 * steps; without {@code --images} the run's own probe generations are attributed from their
 * recorded trajectories.
 */
@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = {"Attributes images to a recorded run's concepts and training images.",
                "For each image: concept shares (summing to 100%), the top training images with scores, a confidence, and the",
                "method and run. New images (--images) are replayed through the model rebuilt at the run's recorded steps",
                "(base + stored LoRA factors); without --images the probe generations the run recorded are attributed.",
                "JSON on stdout or --json; --html writes a self-contained report."})
final class AttributeCommand implements Callable<Integer> {
    /**
     * The content-only default for images given as pixels: the winner of the evaluation's rule on
     * run eval5 (README, "Evaluation"; a baseline, which reads only the finished model).
     */
    static final String CONTENT_ONLY_DEFAULT = Analyzer.TOKEN_LIKELIHOOD;
    /**
     * The content-only default for the run's recorded probe generations, whose pixels are not kept
     * (so {@value #CONTENT_ONLY_DEFAULT} cannot read them): the rule's winner before it, on the same run.
     */
    static final String RECORDED_PROBES_DEFAULT = Analyzer.KNN_EXACT + RunAnalysis.FINAL_ACTIVATIONS;
    /** The prompt-known default: the winner of the evaluation's rule in that setting on run eval5. */
    static final String PROMPT_KNOWN_DEFAULT = Analyzer.CONCEPT_SUBSPACE + ":" + RunAnalysis.FINAL_ACTIVATIONS;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of options (keys = long option names without --); the command line wins.")
    Path config;

    @Option(names = "--store", defaultValue = "stemma-data/store", paramLabel = "DIR",
            description = "Store written by the collector (default: ${DEFAULT-VALUE}).")
    Path store;

    @Option(names = "--run", paramLabel = "ID", description = "Run to attribute against (required).")
    String run;

    @Option(names = "--images", arity = "1..*", paramLabel = "DIR|FILE",
            description = "PNG or JPEG images, or folders of them, of the model's size (default: the run's recorded probe generations).")
    List<Path> images;

    @Option(names = "--prompt", paramLabel = "CONCEPT",
            description = "Prompt-known setting: the images were generated with this concept's token; replay uses it and compares"
                    + " with training images recorded under their own tokens (the run must have recorded them: train --conditioning both).")
    String prompt;

    @Option(names = "--content-only",
            description = "Content-only setting (the default): replay with the null token, compare with training images recorded"
                    + " under the null token.")
    boolean contentOnly;

    @Option(names = "--method", paramLabel = "NAME",
            description = "Attribution method (default: the latest evaluation's winner of the setting: " + CONTENT_ONLY_DEFAULT
                    + " content-only with --images, " + RECORDED_PROBES_DEFAULT + " content-only on the recorded probe generations, "
                    + PROMPT_KNOWN_DEFAULT + " prompt-known); one of trajectory-cosine, trajectory-cosine-random,"
                    + " concept-subspace, concept-subspace-random, weight-subspace, weight-subspace-random, trak, token-likelihood"
                    + " (which concept's token best explains the image under the finished model; needs --images), tracin (slow:"
                    + " every training gradient per image), embedding-cosine:E, knn-exact:E, knn-hnsw:E, concept-subspace:E with"
                    + " E = pixels, final-activations or judge (the fidelity judge's penultimate layer, see --judge).")
    String method;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K",
            description = "Training images listed per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--rank", defaultValue = "" + RepresentationConfig.DEFAULT_RANK, paramLabel = "K",
            description = "Rank of the training-increment subspace (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--base", paramLabel = "DIR",
            description = "Base model to replay on (default: the directory the run recorded; its sha256 must match).")
    Path base;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "Dataset holding the run's training images (default: the one the run recorded).")
    String data;

    @Option(names = "--judge", defaultValue = JudgeOption.DEFAULT, paramLabel = "DIR",
            description = "Fidelity judge for the methods over its penultimate layer, e.g. knn-exact:judge (default: ${DEFAULT-VALUE}).")
    String judge;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here instead of stdout.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write an HTML report here.")
    Path html;

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            return YamlConfig.rerunWith(spec, config);
        }
        if (run == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--run=ID'");
        }
        if (top < 1) {
            throw new IllegalArgumentException("--top " + top + " must be at least 1");
        }
        if (prompt != null && contentOnly) {
            throw new IllegalArgumentException("--prompt and --content-only exclude each other");
        }
        boolean promptKnown = prompt != null;
        if (method == null) {
            method = defaultMethod(promptKnown, images != null && !images.isEmpty());
        }
        RunAnalysis.Options options = new RunAnalysis.Options(run, promptKnown, List.of(method), base, data,
                RepresentationConfig.defaults().withRank(rank), JudgeOption.resolve(judge));
        try (TrajectoryStore trajectoryStore = TrajectoryStore.openReadOnly(store);
             RunAnalysis analysis = RunAnalysis.open(trajectoryStore, options, Progress::log)) {
            List<Target> targets = targets(analysis);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("run", run);
            root.put("method", method);
            root.put("setting", promptKnown ? "prompt-known" : "content-only");
            if (promptKnown) {
                root.put("prompt", prompt);
            }
            root.put("rank", rank);
            root.put("recordedSteps", analysis.recorded().steps());
            root.putPOJO("channels", analysis.recorded().channels());
            int channels = analysis.replay().model().config().imageChannels();
            int size = analysis.replay().model().config().imageSize();
            HtmlReport report = html == null ? null : new HtmlReport("Stemma attribution: run " + run,
                    List.of("method " + method + ", " + (promptKnown ? "prompt-known (" + prompt + ")" : "content-only")
                            + ", " + analysis.recorded().steps() + " recorded steps, " + analysis.recorded().trainingSet().size()
                            + " training images", "base sha256 " + analysis.recorded().manifest().baseModelSha256()),
                    channels, size);
            float[][] trainingPixels = report == null ? null : trainingPixelsOrNull(analysis);
            ArrayNode out = root.putArray("images");
            List<dev.stemma.analyzer.Trajectory> drawn = report == null ? null : trajectoriesToDraw(analysis, targets);
            for (int ti = 0; ti < targets.size(); ti++) {
                Target t = targets.get(ti);
                Attribution a = analysis.analyzer().attribute(method, t.query());
                ObjectNode o = out.addObject();
                o.put("image", t.name());
                if (t.generatedAs() != null) {
                    o.put("generatedAs", t.generatedAs());
                }
                o.put("topConcept", a.topConcept());
                ObjectNode shares = o.putObject("shares");
                double[] s = a.shares();
                for (int c = 0; c < s.length; c++) {
                    shares.put(a.concepts().get(c), round4(s[c]));
                }
                o.put("confidence", round4(a.confidence().value()));
                o.put("lowConfidence", a.confidence().low());
                ArrayNode topImages = o.putArray("topTrainingImages");
                List<HtmlReport.Thumb> thumbs = new ArrayList<>();
                for (ScoredItem item : a.topItems(top)) {
                    topImages.addObject().put("image", item.id()).put("concept", item.concept()).put("score", significant6(item.score()));
                    thumbs.add(new HtmlReport.Thumb(item, trainingPixels == null ? null : trainingPixels[item.index()]));
                }
                if (report != null) {
                    dev.stemma.analyzer.Trajectory trajectory = drawn.get(ti);
                    report.add(new HtmlReport.Entry(t.name(), t.pixels(),
                            t.generatedAs() == null ? null : "generated as " + t.generatedAs(), a, thumbs,
                            trajectory == null ? null : analysis.recorded().recordedSteps(),
                            trajectory == null ? null : analysis.driftAgainstConcepts(trajectory)));
                }
            }
            root.put("count", targets.size());
            String text = mapper.writeValueAsString(root);
            if (json != null) {
                Files.writeString(json, text + "\n");
                Progress.log("wrote " + json);
            } else {
                System.out.println(text);
            }
            if (report != null) {
                report.write(html);
                Progress.log("wrote " + html);
            }
        }
        return 0;
    }

    /** The method when none is named: the latest evaluation's winner of the setting that can read the images. */
    static String defaultMethod(boolean promptKnown, boolean pixels) {
        if (promptKnown) {
            return PROMPT_KNOWN_DEFAULT;
        }
        return pixels ? CONTENT_ONLY_DEFAULT : RECORDED_PROBES_DEFAULT;
    }

    /** One image to attribute: its name, pixels if known, the concept it was generated as, and its query. */
    private record Target(String name, float[] pixels, String generatedAs, Query query) {
    }

    private List<Target> targets(RunAnalysis analysis) {
        List<Target> out = new ArrayList<>();
        if (images == null || images.isEmpty()) {
            if (method.equals(Analyzer.TOKEN_LIKELIHOOD)) {
                throw new IllegalArgumentException(Analyzer.TOKEN_LIKELIHOOD + " needs the images' pixels, which recorded probe"
                        + " generations do not keep; give --images");
            }
            for (ProbeSpec p : analysis.recorded().manifest().probes()) {
                if (p.kind() == ProbeSpec.Kind.GENERATION && (prompt == null || prompt.equals(p.concept()))) {
                    out.add(new Target(p.imageId(), null, p.concept(), analysis.recordedProbe(p.probeId())));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("run " + run + " recorded no probe generations"
                        + (prompt == null ? "" : " of " + prompt) + "; give --images");
            }
            return out;
        }
        int channels = analysis.replay().model().config().imageChannels();
        int size = analysis.replay().model().config().imageSize();
        LooseImages loose = Datasets.readImages(images, channels, size);
        Progress.log("replaying " + loose.size() + " image(s) through run " + run + " at " + analysis.recorded().steps()
                + " recorded steps");
        List<Query> queries = analysis.queries(loose.pixels(), Collections.nCopies(loose.size(), prompt));
        for (int i = 0; i < loose.size(); i++) {
            out.add(new Target(loose.paths().get(i), loose.pixels()[i], prompt, queries.get(i)));
        }
        return out;
    }

    /** Each target's trajectory for the report's chart: its query's, or replayed now when the method did not need it. */
    private List<dev.stemma.analyzer.Trajectory> trajectoriesToDraw(RunAnalysis analysis, List<Target> targets) {
        List<dev.stemma.analyzer.Trajectory> out = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            out.add(targets.get(i).query().trajectory());
            if (out.get(i) == null && targets.get(i).pixels() != null) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            float[][] pixels = new float[missing.size()][];
            float[][] conditions = new float[missing.size()][];
            for (int k = 0; k < missing.size(); k++) {
                Target t = targets.get(missing.get(k));
                pixels[k] = t.pixels();
                conditions[k] = analysis.replayCondition(t.generatedAs() == null
                        ? analysis.replay().model().nullCondition() : analysis.replay().model().condition(t.generatedAs()));
            }
            List<dev.stemma.analyzer.Trajectory> replayed = analysis.replayTrajectories(pixels, conditions);
            for (int k = 0; k < missing.size(); k++) {
                out.set(missing.get(k), replayed.get(k));
            }
        }
        return out;
    }

    private static float[][] trainingPixelsOrNull(RunAnalysis analysis) {
        try {
            return analysis.trainingImagePixels();
        } catch (IllegalArgumentException e) {
            Progress.log("the report shows no training images: " + e.getMessage());
            return null;
        }
    }

    /** Four decimals are plenty for shares and confidences in a report. */
    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /**
     * Six significant digits for a training image's score: scores live on each method's own scale,
     * and token-likelihood orders a concept's images within 1e-4 of the concept's gain.
     */
    private static double significant6(double v) {
        return Double.isFinite(v) ? new BigDecimal(v).round(new MathContext(6)).doubleValue() : v;
    }
}
