package dev.stemma.analyzer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.analyzer.metrics.BootstrapInterval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The evaluation as one Markdown document and one JSON object: provenance, a table per setting,
 * the default each setting gets, and the bars of the evaluation issue, each said to be met or
 * not.
 */
public final class EvaluationReport {
    private final Evaluation.Result result;
    private final String command;

    public EvaluationReport(Evaluation.Result result, String command) {
        this.result = result;
        this.command = command;
    }

    /** The bars, one line each, "MET" or "NOT MET" or "NOT MEASURED" first. */
    public List<String> bars() {
        List<String> out = new ArrayList<>();
        for (Evaluation.SettingResult s : result.settings()) {
            if (s.notRecorded() != null) {
                out.add("NOT MEASURED " + s.setting() + ": " + s.notRecorded());
                continue;
            }
            Optional<MethodResult> chosen = s.methods().stream().filter(m -> m.method().equals(s.defaultMethod())).findFirst();
            if (chosen.isEmpty()) {
                out.add("NOT MEASURED " + s.setting() + ": no method was scored");
                continue;
            }
            MethodResult d = chosen.get();
            String p = s.setting() + " (default " + d.method() + "): ";
            if (s.setting().equals("prompt-known")) {
                out.add(bar(p + "top-1 >= 0.95", d.top1(), 0.95));
                out.add(bar(p + "mixture shifted cosine >= 0.90", d.mixShiftedCosine(), 0.90));
                out.add(bar(p + "mixture Spearman >= 0.8", d.mixSpearman(), 0.80));
                out.add(bar(p + "blank and noise controls marked low >= 90%", d.controlsLow(), 0.90));
            } else {
                out.add(bar(p + "top-1 >= 0.85", d.top1(), 0.85));
                out.add(leadBar(p + "top-1 at least 10 points above the best baseline", d, s.methods(), MethodResult::top1,
                        (own, baseline) -> own >= baseline + 0.10));
                out.add(bar(p + "mixture shifted cosine >= 0.90", d.mixShiftedCosine(), 0.90));
                out.add(bar(p + "micro-concept Recall@10 >= 0.8", d.microRecall10(), 0.80));
            }
            out.add(ldsBar(s, d, p));
        }
        return out;
    }

    /** LDS (M >= 16) >= 0.25 and >= 1.2x the best baseline's on the same run. */
    private String ldsBar(Evaluation.SettingResult s, MethodResult d, String p) {
        int halves = result.config().ldsHalves();
        String what = p + "counterfactual LDS (M >= 16) >= 0.25 and >= 1.2x the best baseline";
        if (halves == 0 || d.lds() == null) {
            return "NOT MEASURED " + what + " (run with --lds M)";
        }
        return leadBar(what + ", M = " + halves, d, s.methods(), MethodResult::lds,
                (own, baseline) -> halves >= 16 && own >= 0.25 && own >= 1.2 * baseline);
    }

    /**
     * A bar that the default meets only by leading the best baseline on {@code figure}: met when
     * {@code leads(default's, best baseline's)} holds. A default that is itself a baseline leads
     * no baseline (what Stemma records then adds nothing over what people use today): not met,
     * and the line names the best other baseline and the best Stemma method instead.
     */
    static String leadBar(String what, MethodResult chosen, List<MethodResult> methods,
                          Function<MethodResult, BootstrapInterval> figure, BiPredicate<Double, Double> leads) {
        Optional<MethodResult> baseline = best(methods, MethodResult.Role.BASELINE, chosen, figure);
        if (figure.apply(chosen) == null || baseline.isEmpty()) {
            return "NOT MEASURED " + what;
        }
        String versus = String.format(Locale.ROOT, "best baseline %s %.3f", baseline.get().method(),
                figure.apply(baseline.get()).estimate());
        if (chosen.role() != MethodResult.Role.STEMMA) {
            String stemma = best(methods, MethodResult.Role.STEMMA, chosen, figure)
                    .map(m -> String.format(Locale.ROOT, "best Stemma method %s %.3f", m.method(), figure.apply(m).estimate()))
                    .orElse("no Stemma method measured");
            return "NOT MET " + what + ": the default is itself a baseline (" + fmt(figure.apply(chosen)) + "); " + versus
                    + " among the others; " + stemma;
        }
        boolean met = leads.test(figure.apply(chosen).estimate(), figure.apply(baseline.get()).estimate());
        return (met ? "MET " : "NOT MET ") + what + ": " + fmt(figure.apply(chosen)) + " vs " + versus;
    }

    /** The method of {@code role}, other than {@code except}, with the highest measured {@code figure}. */
    private static Optional<MethodResult> best(List<MethodResult> methods, MethodResult.Role role, MethodResult except,
                                               Function<MethodResult, BootstrapInterval> figure) {
        return methods.stream().filter(m -> m.role() == role && m != except && figure.apply(m) != null)
                .max(Comparator.comparingDouble(m -> figure.apply(m).estimate()));
    }

    private static String bar(String what, BootstrapInterval v, double threshold) {
        if (v == null) {
            return "NOT MEASURED " + what;
        }
        return (v.estimate() >= threshold ? "MET " : "NOT MET ") + what + ": " + fmt(v);
    }

    /** The Markdown document. */
    public String markdown() {
        StringBuilder m = new StringBuilder();
        var man = result.manifest();
        m.append("# Stemma evaluation: run ").append(man.runId()).append("\n\n");
        m.append("- command: `").append(command).append("`\n");
        m.append("- base sha256 ").append(man.baseModelSha256()).append("; data ").append(man.datasetSha256()).append('\n');
        m.append("- model at step ").append(result.finalStep()).append("; main concepts ").append(result.mainConcepts())
                .append("; micro-concepts ").append(result.microConcepts()).append('\n');
        m.append("- test images ").append(result.testImages()).append(String.format(Locale.ROOT,
                " (generated in %.1f s; DDIM %d steps, guidance %.1f, seed %d)%n", result.generationSeconds(),
                result.config().ddimSteps(), result.config().guidance(), result.config().seed()));
        m.append("- intervals: 95% percentile bootstrap over test images; top-1 and mixtures over the main concepts' shares"
                + " (renormalised); micro-concept recall among all training images; exposure rho = Spearman of each training"
                + " image's mean score with how often it was trained on\n");
        m.append(result.config().ldsHalves() == 0 ? "- LDS: not measured (--lds M retrains the customisation on M halves)\n\n"
                : "- LDS: the customisation retrained on " + result.config().ldsHalves() + " random halves (within each concept);"
                + " per generation, Spearman across halves of the half's summed scores with minus the generation's diffusion loss"
                + " under the model trained on it (timesteps 100-900, " + LinearDatamodeling.NOISE_DRAWS
                + " fixed noise draws each); mean over generations. Measurement ceiling (about the highest LDS the loss's"
                + " noise leaves: split-half agreement of the even and odd draws across halves, Spearman-Brown): "
                + fmt(result.ldsCeiling()) + "\n\n");
        for (Evaluation.SettingResult s : result.settings()) {
            m.append("## ").append(s.setting()).append("\n\n");
            if (s.notRecorded() != null) {
                m.append("Not measured: ").append(s.notRecorded()).append(".\n\n");
                continue;
            }
            m.append("| method | role | top-1 | mix s-cos | mix rho | R@1 | R@5 | R@10 | mAP | LDS | controls low | control share to token"
                    + " | genuine low | exposure rho | build s | ms/img | peak heap MiB |\n");
            m.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (MethodResult r : s.methods()) {
                m.append("| ").append(r.method().equals(s.defaultMethod()) ? "**" + r.method() + "**" : r.method()).append(" | ")
                        .append(r.role().name().toLowerCase(Locale.ROOT)).append(" | ").append(fmt(r.top1())).append(" | ")
                        .append(fmt(r.mixShiftedCosine())).append(" | ").append(fmt(r.mixSpearman())).append(" | ")
                        .append(fmt(r.microRecall1())).append(" | ").append(fmt(r.microRecall5())).append(" | ")
                        .append(fmt(r.microRecall10())).append(" | ").append(fmt(r.microMap())).append(" | ")
                        .append(fmt(r.lds())).append(" | ")
                        .append(fmt(r.controlsLow())).append(" | ").append(fmt(r.controlTokenShare())).append(" | ")
                        .append(fmt(r.genuineLow())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f | %.1f | %.2f | %.0f |%n", r.exposureSpearman(), r.buildSeconds(),
                                r.millisPerImage(), r.peakHeapMiB()));
            }
            m.append(String.format(Locale.ROOT, "%nReplay of the test images: %.2f s per image (shared by every method).%n",
                    s.replaySecondsPerImage()));
            m.append("\nDefault (highest mean of top-1, mixture shifted cosine and micro Recall@10 among non-control methods that mark"
                    + " >= 90% of blank and noise controls low): **")
                    .append(s.defaultMethod()).append("**\n\n");
        }
        m.append("## Bars\n\n");
        for (String line : bars()) {
            m.append("- ").append(line).append('\n');
        }
        return m.toString();
    }

    /** The JSON document. */
    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        var man = result.manifest();
        root.put("run", man.runId());
        root.put("command", command);
        root.put("baseSha256", man.baseModelSha256());
        root.putPOJO("datasets", man.datasetSha256());
        root.put("finalStep", result.finalStep());
        root.putPOJO("mainConcepts", result.mainConcepts());
        root.putPOJO("microConcepts", result.microConcepts());
        ObjectNode counts = root.putObject("testImages");
        result.testImages().forEach((k, v) -> counts.put(k.name().toLowerCase(Locale.ROOT), v));
        root.put("generationSeconds", result.generationSeconds());
        put(root, "ldsCeiling", result.ldsCeiling());
        ArrayNode settings = root.putArray("settings");
        for (Evaluation.SettingResult s : result.settings()) {
            ObjectNode o = settings.addObject();
            o.put("setting", s.setting());
            if (s.notRecorded() != null) {
                o.put("notMeasured", s.notRecorded());
                continue;
            }
            o.put("default", s.defaultMethod());
            o.put("replaySecondsPerImage", s.replaySecondsPerImage());
            ArrayNode methods = o.putArray("methods");
            for (MethodResult r : s.methods()) {
                ObjectNode x = methods.addObject();
                x.put("method", r.method());
                x.put("role", r.role().name().toLowerCase(Locale.ROOT));
                put(x, "top1", r.top1());
                put(x, "mixShiftedCosine", r.mixShiftedCosine());
                put(x, "mixSpearman", r.mixSpearman());
                put(x, "microRecall1", r.microRecall1());
                put(x, "microRecall5", r.microRecall5());
                put(x, "microRecall10", r.microRecall10());
                put(x, "microMap", r.microMap());
                put(x, "lds", r.lds());
                put(x, "controlsLow", r.controlsLow());
                put(x, "controlTokenShare", r.controlTokenShare());
                put(x, "genuineLow", r.genuineLow());
                x.put("exposureSpearman", r.exposureSpearman());
                x.put("buildSeconds", r.buildSeconds());
                x.put("millisPerImage", r.millisPerImage());
                x.put("peakHeapMiB", r.peakHeapMiB());
            }
        }
        root.putPOJO("bars", bars());
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(ObjectNode o, String name, BootstrapInterval v) {
        if (v == null) {
            o.putNull(name);
        } else {
            o.putObject(name).put("estimate", v.estimate()).put("lower", v.lower()).put("upper", v.upper());
        }
    }

    private static String fmt(BootstrapInterval v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", v.estimate(), v.lower(), v.upper());
    }
}
