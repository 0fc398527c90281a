package dev.stemma.analyzer;

/** A training image with its score against a query. */
public record ScoredItem(int index, String id, String concept, double score) {
}
