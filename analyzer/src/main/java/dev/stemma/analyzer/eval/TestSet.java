package dev.stemma.analyzer.eval;

import dev.stemma.trainer.StemmaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Generates the test images of an evaluation from a run's final model: every concept's token
 * (main and micro), mixtures of main-concept pairs at known weights, and blank and noise controls
 * given every token. Main concepts are those with more than {@code microMax} training images.
 */
final class TestSet {
    private TestSet() {}

    static List<TestImage> generate(StemmaModel model, List<String> mainConcepts, List<String> microConcepts,
                                    EvaluationConfig config, Consumer<String> progress) {
        List<TestImage> out = new ArrayList<>();
        List<String> tokens = new ArrayList<>(mainConcepts);
        tokens.addAll(microConcepts);
        for (int c = 0; c < tokens.size(); c++) {
            String concept = tokens.get(c);
            boolean micro = c >= mainConcepts.size();
            float[][] cond = new float[config.generationsPerConcept()][];
            Arrays.fill(cond, model.condition(concept));
            float[][] images = model.sample(cond, config.seed() * 1_000L + c, config.ddimSteps(), config.guidance());
            for (int i = 0; i < images.length; i++) {
                out.add(new TestImage(concept + " #" + (i + 1), micro ? TestImage.Kind.MICRO : TestImage.Kind.SINGLE,
                        images[i], cond[i], concept, micro ? null : oneHot(mainConcepts.size(), c)));
            }
            progress.accept("generated " + images.length + " images of " + concept);
        }
        List<int[]> pairs = pairs(mainConcepts.size(), config.mixPairs());
        int cell = 0;
        for (int[] p : pairs) {
            for (double w : config.mixWeights()) {
                Map<String, Float> mix = new LinkedHashMap<>();
                mix.put(mainConcepts.get(p[0]), (float) w);
                mix.put(mainConcepts.get(p[1]), (float) (1 - w));
                float[][] cond = new float[config.generationsPerMix()][];
                Arrays.fill(cond, model.mix(mix));
                float[][] images = model.sample(cond, config.seed() * 1_000L + 500 + cell++, config.ddimSteps(), config.guidance());
                double[] truth = new double[mainConcepts.size()];
                truth[p[0]] = w;
                truth[p[1]] = 1 - w;
                String name = String.format(java.util.Locale.ROOT, "%s=%.2f+%s=%.2f", mainConcepts.get(p[0]), w,
                        mainConcepts.get(p[1]), 1 - w);
                for (int i = 0; i < images.length; i++) {
                    out.add(new TestImage(name + " #" + (i + 1), TestImage.Kind.MIX, images[i], cond[i], null, truth));
                }
            }
            progress.accept("generated mixtures of " + mainConcepts.get(p[0]) + " and " + mainConcepts.get(p[1]));
        }
        int size = model.config().imageChannels() * model.config().imageSize() * model.config().imageSize();
        SplittableRandom random = new SplittableRandom(config.seed());
        for (String concept : tokens) {
            float[] blank = new float[size];
            Arrays.fill(blank, -1f);
            out.add(new TestImage("blank/" + concept, TestImage.Kind.BLANK, blank, model.condition(concept), concept, null));
            float[] noise = new float[size];
            for (int i = 0; i < size; i++) {
                noise[i] = (float) (random.nextDouble() * 2 - 1);
            }
            out.add(new TestImage("noise/" + concept, TestImage.Kind.NOISE, noise, model.condition(concept), concept, null));
        }
        return out;
    }

    /** Up to {@code max} pairs: neighbours first (0-1, 2-3, ...), then the others, so that every concept is mixed early. */
    static List<int[]> pairs(int concepts, int max) {
        List<int[]> all = new ArrayList<>();
        for (int i = 0; i + 1 < concepts; i += 2) {
            all.add(new int[] {i, i + 1});
        }
        for (int i = 0; i < concepts; i++) {
            for (int j = i + 1; j < concepts; j++) {
                if (!(i % 2 == 0 && j == i + 1)) {
                    all.add(new int[] {i, j});
                }
            }
        }
        return all.subList(0, Math.min(max, all.size()));
    }

    private static double[] oneHot(int n, int k) {
        double[] v = new double[n];
        v[k] = 1;
        return v;
    }
}
