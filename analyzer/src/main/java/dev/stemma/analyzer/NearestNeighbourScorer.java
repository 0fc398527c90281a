package dev.stemma.analyzer;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Index;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.bruteforce.BruteForceIndex;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.util.Arrays;
import java.util.List;

/**
 * The k nearest training embeddings by centred cosine, exact ({@link BruteForceIndex}) or
 * approximate ({@link HnswIndex}); scores only the neighbours found (NaN elsewhere), which
 * vote for concepts ({@link NeighbourVotes}).
 */
final class NearestNeighbourScorer implements ImageScorer {

    /** A training embedding as hnswlib stores it. */
    record IndexedVector(Integer id, float[] vector) implements Item<Integer, float[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    private final String method;
    private final String embedding;
    private final EmbeddingVectors vectors;
    private final Index<Integer, float[], IndexedVector, Float> index;
    private final int neighbours;

    private NearestNeighbourScorer(String method, String embedding, EmbeddingVectors vectors,
                                   Index<Integer, float[], IndexedVector, Float> index, int neighbours) {
        this.method = method;
        this.embedding = embedding;
        this.vectors = vectors;
        this.index = index;
        this.neighbours = neighbours;
    }

    /** Builds an exact or HNSW index over the centred unit embeddings (inner product = cosine). */
    static NearestNeighbourScorer build(String method, String embedding, EmbeddingVectors vectors, NeighbourConfig config, boolean exact) {
        Index<Integer, float[], IndexedVector, Float> index = exact
                ? BruteForceIndex.<float[], Float>newBuilder(vectors.dimension(), DistanceFunctions.FLOAT_INNER_PRODUCT).build()
                : HnswIndex.<float[], Float>newBuilder(vectors.dimension(), DistanceFunctions.FLOAT_INNER_PRODUCT, vectors.size())
                        .withM(config.m()).withEfConstruction(config.efConstruction()).withEf(config.ef()).build();
        for (int i = 0; i < vectors.size(); i++) {
            index.add(new IndexedVector(i, vectors.unit(i)));
        }
        return new NearestNeighbourScorer(method, embedding, vectors, index, Math.min(config.neighbours(), vectors.size()));
    }

    @Override
    public float[] scores(Query query) {
        return neighboursOf(vectors.centredUnit(query.requireEmbedding(method, embedding)), neighbours, -1);
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] items) {
        float[][] result = new float[items.length][];
        for (int q = 0; q < items.length; q++) {
            result[q] = neighboursOf(vectors.unit(items[q]), Math.min(neighbours + 1, vectors.size()), items[q]);
        }
        return result;
    }

    private float[] neighboursOf(float[] unitQuery, int count, int exclude) {
        float[] scores = new float[vectors.size()];
        Arrays.fill(scores, Float.NaN);
        List<SearchResult<IndexedVector, Float>> found = index.findNearest(unitQuery, count);
        int kept = 0;
        for (SearchResult<IndexedVector, Float> result : found) {
            int id = result.item().id();
            if (id == exclude || kept == neighbours) {
                continue;
            }
            scores[id] = 1f - result.distance(); // inner-product distance is 1 - dot
            kept++;
        }
        return scores;
    }
}
