package dev.stemma.analyzer.bench;

import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.TrajectoryReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trajectories of a given size generated on the fly, item by item, from a seed: nothing is held
 * but one item at a time, as a store would serve them. Each concept drifts along its own
 * direction, each item along a weaker one of its own, with jitter on every record.
 */
final class SyntheticTrajectories implements TrajectoryReader {

    private static final int CONCEPTS = 8;

    private final int items;
    private final int steps;
    private final int dimension;
    private final long seed;
    private final float[][] conceptDirections;
    private final TrainingSet set;

    SyntheticTrajectories(int items, int steps, int dimension, long seed) {
        this.items = items;
        this.steps = steps;
        this.dimension = dimension;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        conceptDirections = new float[CONCEPTS][];
        for (int c = 0; c < CONCEPTS; c++) {
            conceptDirections[c] = unit(random);
        }
        List<TrainingItem> list = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            list.add(new TrainingItem("item-" + i, "concept-" + (i % CONCEPTS)));
        }
        set = new TrainingSet(list);
    }

    TrainingSet trainingSet() {
        return set;
    }

    /** A new image of concept {@code concept}, as replay would record it. */
    Trajectory query(int concept, long querySeed) {
        return trajectory(concept, new SplittableRandom(querySeed));
    }

    @Override
    public List<String> channels() {
        return List.of("mid");
    }

    @Override
    public int dimension(int channel) {
        return dimension;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public void forEachItem(ItemVisitor visitor) {
        for (int i = 0; i < items; i++) {
            visitor.visit(i, trajectory(i % CONCEPTS, new SplittableRandom(seed * 31 + i)));
        }
    }

    private Trajectory trajectory(int concept, SplittableRandom random) {
        float[] own = unit(random);
        float[] base = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            base[i] = (float) (3 * random.nextGaussian());
        }
        float[][] values = new float[steps][dimension];
        for (int s = 0; s < steps; s++) {
            float g = (float) s / (steps - 1);
            for (int i = 0; i < dimension; i++) {
                float jitter = (float) (random.nextDouble() - 0.5) * 0.2f;
                values[s][i] = base[i] + g * (conceptDirections[concept][i] + 0.6f * own[i]) + jitter;
            }
        }
        return new Trajectory(new float[][][] {values});
    }

    private float[] unit(SplittableRandom random) {
        float[] v = new float[dimension];
        double sum = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            sum += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < dimension; i++) {
            v[i] *= scale;
        }
        return v;
    }
}
