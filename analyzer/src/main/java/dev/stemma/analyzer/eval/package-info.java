/**
 * The evaluation that decides the default method: {@link dev.stemma.analyzer.eval.Evaluation}
 * generates test images with known truth from a run's model (single concept tokens, mixtures at
 * known weights, micro-concepts, blank and noise controls), attributes them with every method in
 * the prompt-known and content-only settings, and reports the metrics with bootstrap intervals,
 * costs and the default chosen by {@link dev.stemma.analyzer.eval.DefaultMethodRule}.
 */
package dev.stemma.analyzer.eval;
