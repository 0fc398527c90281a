package dev.stemma.analyzer.drift;

import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.TrajectoryReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A run whose answer changes while it trains: concepts "A" and "B" move their training images'
 * representations along their own directions from the start; the generation "late" first moves
 * along B's direction, then, from a quarter of the run on, much faster along A's; the generation
 * "steady" follows B throughout. Steps can be shown a few at a time, as a store fills.
 */
final class PlantedDrift implements RecordedRun {

    static final int DIM = 24;
    static final int STEPS = 40;
    static final long STEP_EVERY = 5;
    private final Random random = new Random(7);
    private final float[] towardsA = unit();
    private final float[] towardsB = unit();
    private final float[] shared = unit();
    private final TrainingSet set;
    private final List<float[][]> training = new ArrayList<>(); // [item][step][d]
    private final List<Generation> generations = List.of(new Generation(100, "gen/A/late", "A"),
            new Generation(101, "gen/B/steady", "B"));
    private final List<float[][]> generated = new ArrayList<>();
    private int visible = STEPS;
    int trainingReads;

    PlantedDrift() {
        List<TrainingItem> items = new ArrayList<>();
        for (String concept : List.of("A", "B")) {
            for (int i = 0; i < 12; i++) {
                items.add(new TrainingItem(concept + "/" + i, concept));
                float[] own = unit();
                float[] direction = concept.equals("A") ? towardsA : towardsB;
                training.add(path(g -> g, direction, g -> 0, direction, own));
            }
        }
        set = new TrainingSet(items);
        // late: along B at rate 1 for the first quarter, then along A at rate 6.
        generated.add(path(g -> Math.min(g, 0.25), towardsB, g -> 6 * Math.max(0, g - 0.25), towardsA, unit()));
        generated.add(path(g -> g, towardsB, g -> 0, towardsA, unit()));
    }

    /** Shows only the first {@code count} recorded steps, as a store that has not received the rest. */
    PlantedDrift visible(int count) {
        visible = count;
        return this;
    }

    /** r(s) = base + f(g) x + h(g) y + g (0.6 own + 0.7 shared) + jitter 0.05, g = s / (STEPS - 1). */
    private float[][] path(DoubleUnaryOperator f, float[] x, DoubleUnaryOperator h, float[] y, float[] own) {
        float[] base = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            base[i] = (float) (3 * random.nextGaussian());
        }
        float[][] values = new float[STEPS][DIM];
        for (int s = 0; s < STEPS; s++) {
            double g = (double) s / (STEPS - 1);
            double a = f.applyAsDouble(g);
            double b = h.applyAsDouble(g);
            for (int i = 0; i < DIM; i++) {
                values[s][i] = (float) (base[i] + a * x[i] + b * y[i] + g * (0.6 * own[i] + 0.7 * shared[i])
                        + 0.05 * random.nextGaussian());
            }
        }
        return values;
    }

    @Override
    public TrainingSet trainingSet() {
        return set;
    }

    @Override
    public List<Generation> generations() {
        return generations;
    }

    @Override
    public long[] recordedSteps() {
        long[] steps = new long[visible];
        for (int s = 0; s < visible; s++) {
            steps[s] = s * STEP_EVERY;
        }
        return steps;
    }

    @Override
    public TrajectoryReader training(int count) {
        trainingReads++;
        return new TrajectoryReader() {
            @Override
            public List<String> channels() {
                return List.of("mid@t200/g1");
            }

            @Override
            public int dimension(int channel) {
                return DIM;
            }

            @Override
            public int steps() {
                return count;
            }

            @Override
            public void forEachItem(ItemVisitor visitor) {
                for (int i = 0; i < training.size(); i++) {
                    visitor.visit(i, cut(training.get(i), count));
                }
            }
        };
    }

    @Override
    public Trajectory generation(Generation generation, int count) {
        return cut(generated.get(generations.indexOf(generation)), count);
    }

    private Trajectory cut(float[][] values, int count) {
        if (count > visible) {
            throw new IllegalArgumentException("asked for " + count + " steps, " + visible + " recorded");
        }
        return new Trajectory(new float[][][] {Arrays.copyOf(values, count)});
    }

    private float[] unit() {
        float[] v = new float[DIM];
        double norm = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
