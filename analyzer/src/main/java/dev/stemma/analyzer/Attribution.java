package dev.stemma.analyzer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The answer for one image: which run and method produced it, the concept shares (same order
 * as {@code concepts}, summing to 1), the score of every training image (NaN where a method
 * does not score it, e.g. outside the neighbours found) and a confidence.
 */
public record Attribution(String run, String method, List<String> concepts, double[] shares,
                          float[] imageScores, Confidence confidence, TrainingSet trainingSet) {

    public Attribution {
        concepts = List.copyOf(concepts);
        shares = shares.clone();
        imageScores = imageScores.clone();
    }

    /** Concept shares in {@link #concepts()} order, summing to 1 (a copy). */
    @Override
    public double[] shares() {
        return shares.clone();
    }

    /** Score of every training image in {@link TrainingSet} order, NaN where not scored (a copy). */
    @Override
    public float[] imageScores() {
        return imageScores.clone();
    }

    /** Name of the concept with the largest share. */
    public String topConcept() {
        int best = 0;
        for (int c = 1; c < shares.length; c++) {
            if (shares[c] > shares[best]) {
                best = c;
            }
        }
        return concepts.get(best);
    }

    /** Share of concept {@code concept}, 0 for an unknown name. */
    public double share(String concept) {
        int index = concepts.indexOf(concept);
        return index < 0 ? 0 : shares[index];
    }

    /** The {@code k} best-scored training images, best first (unscored images never). */
    public List<ScoredItem> topItems(int k) {
        List<ScoredItem> result = new ArrayList<>();
        IntStream.range(0, imageScores.length)
                .filter(i -> !Float.isNaN(imageScores[i]))
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -imageScores[i]).thenComparing(i -> i))
                .limit(k)
                .forEach(i -> result.add(new ScoredItem(i, trainingSet.item(i).id(), trainingSet.item(i).concept(), imageScores[i])));
        return result;
    }

    /** Training image indices by descending score (unscored images last). */
    public int[] ranking() {
        return IntStream.range(0, imageScores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> Float.isNaN(imageScores[i]) ? Double.POSITIVE_INFINITY : -imageScores[i])
                        .thenComparing(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }
}
