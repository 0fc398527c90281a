package dev.stemma.trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run trains on: images with their id and the conditioning row of their class or concept,
 * grouped so that a batch can draw groups evenly (a 2-image micro-concept is drawn as often as an
 * 80-image concept). Groups marked {@code prior} are prior-preservation images of base classes.
 */
final class Examples {
    record Group(String name, int conditionRow, boolean prior, List<Integer> members) {}

    private final List<String> ids = new ArrayList<>();
    private final List<float[]> images = new ArrayList<>();
    private final List<Integer> rows = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();

    void addGroup(String name, int conditionRow, boolean prior, List<String> groupIds, List<float[]> groupImages) {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < groupIds.size(); i++) {
            members.add(ids.size());
            ids.add(groupIds.get(i));
            images.add(groupImages.get(i));
            rows.add(conditionRow);
        }
        groups.add(new Group(name, conditionRow, prior, List.copyOf(members)));
    }

    int size() {
        return ids.size();
    }

    String id(int i) {
        return ids.get(i);
    }

    float[] image(int i) {
        return images.get(i);
    }

    int conditionRow(int i) {
        return rows.get(i);
    }

    List<Group> groups() {
        return groups;
    }

    int indexOf(String id) {
        int i = ids.indexOf(id);
        if (i < 0) {
            throw new IllegalArgumentException("no training image with id '" + id + "'");
        }
        return i;
    }
}
