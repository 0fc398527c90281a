package dev.stemma.analyzer;

/** One training image: its id in the run and the concept (or base class) it was trained as. */
public record TrainingItem(String id, String concept) {

    public TrainingItem {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("A training item needs a non-blank id");
        }
        if (concept == null || concept.isBlank()) {
            throw new IllegalArgumentException("Training item " + id + " needs a non-blank concept");
        }
    }
}
