/**
 * Evaluation metrics as pure functions: top-1 accuracy, shifted cosine against a truth vector,
 * Spearman rank correlation with averaged ties, Recall@K and (mean) average precision for
 * exemplar retrieval, and a percentile bootstrap interval for any of them.
 */
package dev.stemma.analyzer.metrics;
