package dev.stemma.analyzer;

import java.util.HashMap;
import java.util.Map;

/**
 * What the analyzer knows about one image to attribute; each method reads the part it needs
 * and says which part is missing otherwise. Build with {@link #empty()} and the withers.
 *
 * @param trajectory its representation trajectory at the recorded steps (replay), or null
 * @param embeddings named embeddings (e.g. "pixels", "final-activations"), possibly empty
 * @param gradients  its gradient at each recorded checkpoint ([checkpoint][parameter]), or null
 */
public record Query(Trajectory trajectory, Map<String, float[]> embeddings, float[][] gradients) {

    public Query {
        embeddings = Map.copyOf(embeddings);
    }

    public static Query empty() {
        return new Query(null, Map.of(), null);
    }

    public Query withTrajectory(Trajectory value) {
        return new Query(value, embeddings, gradients);
    }

    public Query withEmbedding(String name, float[] value) {
        Map<String, float[]> copy = new HashMap<>(embeddings);
        copy.put(name, value);
        return new Query(trajectory, copy, gradients);
    }

    public Query withGradients(float[][] value) {
        return new Query(trajectory, embeddings, value);
    }

    Trajectory requireTrajectory(String method) {
        if (trajectory == null) {
            throw new IllegalArgumentException("Method " + method + " needs the image's trajectory; the query has none");
        }
        return trajectory;
    }

    float[] requireEmbedding(String method, String name) {
        float[] value = embeddings.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Method " + method + " needs the embedding '" + name + "'; the query has " + embeddings.keySet());
        }
        return value;
    }

    float[][] requireGradients(String method) {
        if (gradients == null) {
            throw new IllegalArgumentException("Method " + method + " needs the image's gradients; the query has none");
        }
        return gradients;
    }
}
