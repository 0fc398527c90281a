package dev.stemma.analyzer;

import java.util.ArrayList;
import java.util.List;

/** Test fixture: a training set of two concepts, "big" and "small", with ids {@code big-i} and {@code small-i}. */
public final class TwoConcepts {
    private TwoConcepts() {}

    public static TrainingSet of(int big, int small) {
        List<TrainingItem> items = new ArrayList<>();
        for (int i = 0; i < big; i++) {
            items.add(new TrainingItem("big-" + i, "big"));
        }
        for (int i = 0; i < small; i++) {
            items.add(new TrainingItem("small-" + i, "small"));
        }
        return new TrainingSet(items);
    }
}
