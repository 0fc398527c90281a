package dev.stemma.analyzer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic recorded run with a known answer: every concept moves representations along its
 * own direction while training, every image adds a weaker direction of its own, all share a
 * common drift, and each record carries jitter. Queries are made the same way.
 */
final class PlantedRun implements TrajectoryReader {

    static final int[] DIMENSIONS = {32, 24};
    final int steps;
    final double jitter;
    final TrainingSet set;
    private final Random random;
    private final float[][][] conceptDirections; // [concept][channel][d]
    private final float[][] sharedDrift; // [channel][d]
    private final List<Trajectory> trajectories = new ArrayList<>();
    private final List<float[][]> itemDirections = new ArrayList<>();
    static final double ITEM_WEIGHT = 0.6;

    PlantedRun(int[] conceptSizes, int steps, double jitter, long seed) {
        this.steps = steps;
        this.jitter = jitter;
        this.random = new Random(seed);
        List<TrainingItem> items = new ArrayList<>();
        conceptDirections = new float[conceptSizes.length][][];
        for (int c = 0; c < conceptSizes.length; c++) {
            conceptDirections[c] = new float[][] {unit(DIMENSIONS[0]), unit(DIMENSIONS[1])};
            for (int i = 0; i < conceptSizes[c]; i++) {
                items.add(new TrainingItem("c" + c + "-" + i, "concept-" + c));
            }
        }
        sharedDrift = new float[][] {unit(DIMENSIONS[0]), unit(DIMENSIONS[1])};
        set = new TrainingSet(items);
        for (int i = 0; i < items.size(); i++) {
            itemDirections.add(newItemDirections());
            trajectories.add(trajectoryOf(weightsFor(set.conceptOf(i)), itemDirections.get(i), ITEM_WEIGHT));
        }
    }

    double[] weightsFor(int concept) {
        double[] w = new double[conceptDirections.length];
        w[concept] = 1;
        return w;
    }

    float[][] newItemDirections() {
        return new float[][] {unit(DIMENSIONS[0]), unit(DIMENSIONS[1])};
    }

    /** Training item {@code item} recorded again with fresh jitter: what a replay of that image looks like. */
    Trajectory replay(int item) {
        return trajectoryOf(weightsFor(set.conceptOf(item)), itemDirections.get(item), ITEM_WEIGHT);
    }

    Trajectory training(int item) {
        return trajectories.get(item);
    }

    /** r(s) = base + g(s) (sum_c w_c u_c + itemWeight v + 0.7 shared) + jitter, g(s) = s / (steps - 1). */
    Trajectory trajectoryOf(double[] conceptWeights, float[][] itemDirections, double itemWeight) {
        float[][][] values = new float[DIMENSIONS.length][steps][];
        for (int ch = 0; ch < DIMENSIONS.length; ch++) {
            int d = DIMENSIONS[ch];
            float[] base = gaussian(d, 3.0);
            for (int s = 0; s < steps; s++) {
                double g = (double) s / (steps - 1);
                float[] r = new float[d];
                for (int i = 0; i < d; i++) {
                    double drift = 0.7 * sharedDrift[ch][i] + itemWeight * itemDirections[ch][i];
                    for (int c = 0; c < conceptWeights.length; c++) {
                        drift += conceptWeights[c] * conceptDirections[c][ch][i];
                    }
                    r[i] = (float) (base[i] + g * drift + jitter * random.nextGaussian());
                }
                values[ch][s] = r;
            }
        }
        return new Trajectory(values);
    }

    /** Jitter only, of the size of the planted drift: no training direction in it. */
    Trajectory noise() {
        float[][][] values = new float[DIMENSIONS.length][steps][];
        for (int ch = 0; ch < DIMENSIONS.length; ch++) {
            float[] base = gaussian(DIMENSIONS[ch], 3.0);
            for (int s = 0; s < steps; s++) {
                float[] r = gaussian(DIMENSIONS[ch], 0.5);
                for (int i = 0; i < r.length; i++) {
                    r[i] += base[i];
                }
                values[ch][s] = r;
            }
        }
        return new Trajectory(values);
    }

    /** An image training never moved: the same representation at every step. */
    Trajectory blank() {
        float[][][] values = new float[DIMENSIONS.length][steps][];
        for (int ch = 0; ch < DIMENSIONS.length; ch++) {
            float[] base = gaussian(DIMENSIONS[ch], 3.0);
            for (int s = 0; s < steps; s++) {
                values[ch][s] = base.clone();
            }
        }
        return new Trajectory(values);
    }

    Random random() {
        return random;
    }

    @Override
    public List<String> channels() {
        return List.of("mid@t200", "up1@t600");
    }

    @Override
    public int dimension(int channel) {
        return DIMENSIONS[channel];
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public void forEachItem(ItemVisitor visitor) {
        for (int i = 0; i < trajectories.size(); i++) {
            visitor.visit(i, trajectories.get(i));
        }
    }

    private float[] unit(int d) {
        float[] v = gaussian(d, 1);
        UnitBlockIndex.normalise(v, 0, d);
        return v;
    }

    private float[] gaussian(int d, double scale) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }
}
