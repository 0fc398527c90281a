package dev.stemma.analyzer;

/** One way of attributing an image, usable by name. */
public interface AttributionMethod {

    /** The name it is selected by (e.g. {@code trajectory-cosine}). */
    String name();

    /** Image scores, concept shares and confidence of {@code query}. */
    Attribution attribute(Query query);
}
