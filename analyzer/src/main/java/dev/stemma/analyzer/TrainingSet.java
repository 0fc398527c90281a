package dev.stemma.analyzer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training images of a run in a fixed order (the order every reader and score array
 * follows) and their concepts, in order of first appearance.
 */
public final class TrainingSet {

    private final List<TrainingItem> items;
    private final List<String> concepts;
    private final int[] conceptOfItem;
    private final int[][] members;

    public TrainingSet(List<TrainingItem> items) {
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("A training set needs at least one item");
        }
        this.items = List.copyOf(items);
        Map<String, List<Integer>> byConcept = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        this.conceptOfItem = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            TrainingItem item = items.get(i);
            if (!ids.add(item.id())) {
                throw new IllegalArgumentException("Training item id " + item.id() + " appears twice");
            }
            byConcept.computeIfAbsent(item.concept(), c -> new ArrayList<>()).add(i);
        }
        this.concepts = List.copyOf(byConcept.keySet());
        this.members = new int[concepts.size()][];
        for (int c = 0; c < concepts.size(); c++) {
            List<Integer> list = byConcept.get(concepts.get(c));
            members[c] = list.stream().mapToInt(Integer::intValue).toArray();
            for (int i : members[c]) {
                conceptOfItem[i] = c;
            }
        }
    }

    /** Number of training items. */
    public int size() {
        return items.size();
    }

    public TrainingItem item(int index) {
        return items.get(index);
    }

    public List<TrainingItem> items() {
        return items;
    }

    /** Concept names, in order of first appearance; shares follow this order. */
    public List<String> concepts() {
        return concepts;
    }

    /** Index (into {@link #concepts()}) of the concept of item {@code index}. */
    public int conceptOf(int index) {
        return conceptOfItem[index];
    }

    /** Indices of the items of concept {@code concept}. */
    public int[] members(int concept) {
        return members[concept].clone();
    }

    int memberCount(int concept) {
        return members[concept].length;
    }

    int member(int concept, int rank) {
        return members[concept][rank];
    }
}
