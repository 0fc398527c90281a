package dev.stemma.analyzer.eval;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.replay.RunAnalysis;
import java.util.List;

/**
 * How many test images of each kind, how they are sampled, and which methods are scored.
 *
 * @param generationsPerConcept generations per concept token, micro-concepts included (default 8)
 * @param mixPairs              concept pairs mixed (default 4; capped by the pairs there are)
 * @param mixWeights            weight of the pair's first concept (default 0.25, 0.5, 0.75)
 * @param generationsPerMix     generations per (pair, weight) cell (default 4)
 * @param ddimSteps             DDIM steps of each generation (default 25)
 * @param guidance              classifier-free guidance (default 4)
 * @param seed                  seed of generations, controls and bootstrap (default 7)
 * @param methods               methods scored (default: every method the analyzer can build but
 *                              {@code tracin}, which streams every training gradient again for each
 *                              query: hours on a few hundred test images without a gradient cache)
 * @param representation        settings of the trajectory methods (default {@link RepresentationConfig#defaults()})
 * @param ldsHalves             random halves the customisation is retrained on for the linear
 *                              datamodeling score (default 0: not measured; the bar asks
 *                              for at least 16, each a whole customisation)
 */
public record EvaluationConfig(int generationsPerConcept, int mixPairs, List<Double> mixWeights, int generationsPerMix,
                               int ddimSteps, float guidance, long seed, List<String> methods,
                               RepresentationConfig representation, int ldsHalves) {
    public EvaluationConfig {
        if (generationsPerConcept < 2) {
            throw new IllegalArgumentException("generations per concept " + generationsPerConcept + ": need at least 2 for intervals");
        }
        if (mixPairs < 0 || generationsPerMix < 1) {
            throw new IllegalArgumentException("mixture pairs " + mixPairs + " and generations per mix " + generationsPerMix
                    + " must be >= 0 and >= 1");
        }
        mixWeights = List.copyOf(mixWeights);
        for (double w : mixWeights) {
            if (!(w > 0 && w < 1)) {
                throw new IllegalArgumentException("mixture weight " + w + " is outside (0, 1)");
            }
        }
        if (ddimSteps < 1 || !(guidance >= 0)) {
            throw new IllegalArgumentException("DDIM steps " + ddimSteps + " and guidance " + guidance + " must be positive");
        }
        if (ldsHalves != 0 && ldsHalves < 2) {
            throw new IllegalArgumentException("LDS halves " + ldsHalves + ": need 0 (off) or at least 2 for a correlation");
        }
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no method to evaluate");
        }
    }

    public static EvaluationConfig defaults() {
        List<String> methods = RunAnalysis.knownMethods().stream().filter(m -> !m.equals(Analyzer.TRACIN)).toList();
        return new EvaluationConfig(8, 4, List.of(0.25, 0.5, 0.75), 4, 25, 4f, 7, methods, RepresentationConfig.defaults(), 0);
    }

    public EvaluationConfig withMethods(List<String> value) {
        return new EvaluationConfig(generationsPerConcept, mixPairs, mixWeights, generationsPerMix, ddimSteps, guidance, seed,
                value, representation, ldsHalves);
    }

    public EvaluationConfig withGenerations(int perConcept, int perMix) {
        return new EvaluationConfig(perConcept, mixPairs, mixWeights, perMix, ddimSteps, guidance, seed, methods, representation,
                ldsHalves);
    }

    public EvaluationConfig withRepresentation(RepresentationConfig value) {
        return new EvaluationConfig(generationsPerConcept, mixPairs, mixWeights, generationsPerMix, ddimSteps, guidance, seed,
                methods, value, ldsHalves);
    }

    public EvaluationConfig withLdsHalves(int value) {
        return new EvaluationConfig(generationsPerConcept, mixPairs, mixWeights, generationsPerMix, ddimSteps, guidance, seed,
                methods, representation, value);
    }
}
