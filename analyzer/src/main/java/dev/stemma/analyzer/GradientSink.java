package dev.stemma.analyzer;

/**
 * One gradient method being built: it takes every training gradient as the reader streams it
 * (the array may be reused after {@code visit} returns; the item and slot are checked by the
 * stream's owner, {@link Analyzer.Builder}), then builds its scorer. Several sinks
 * share one stream, so the gradient methods of an analyzer replay the training gradients once.
 */
interface GradientSink extends GradientReader.GradientVisitor {

    /** The scorer, once every gradient was visited. */
    ImageScorer finish();
}
