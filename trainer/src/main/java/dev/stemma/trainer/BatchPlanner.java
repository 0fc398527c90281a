package dev.stemma.trainer;

import dev.stemma.protocol.BatchItem;
import dev.stemma.trainer.model.NoiseSchedule;
import dev.stemma.trainer.model.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The batch of every step, from a generator seeded by (run seed, step) alone, so any step's batch can
 * be rebuilt without replaying the ones before it. Each item: a group (prior-preservation groups with
 * probability {@code priorFraction}, else a concept or class group, evenly), an image of it, a
 * timestep uniform in [0, T) and a noise seed. Whether an item is trained with the null token instead
 * of its own (classifier-free guidance dropout) follows from its noise seed: {@link #dropsCondition}.
 */
final class BatchPlanner {
    private final Examples examples;
    private final long seed;
    private final int batchSize;
    private final double priorFraction;
    private final double conditionDropout;
    private final List<Examples.Group> main = new ArrayList<>();
    private final List<Examples.Group> prior = new ArrayList<>();

    BatchPlanner(Examples examples, long seed, int batchSize, double priorFraction, double conditionDropout) {
        this.examples = examples;
        this.seed = seed;
        this.batchSize = batchSize;
        this.conditionDropout = conditionDropout;
        for (Examples.Group g : examples.groups()) {
            (g.prior() ? prior : main).add(g);
        }
        if (main.isEmpty()) {
            throw new IllegalArgumentException("nothing to train on: no class or concept has images");
        }
        this.priorFraction = prior.isEmpty() ? 0 : priorFraction;
    }

    List<BatchItem> plan(long step) {
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, step));
        List<BatchItem> items = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            boolean fromPrior = random.nextDouble() < priorFraction;
            List<Examples.Group> pool = fromPrior ? prior : main;
            Examples.Group g = pool.get(random.nextInt(pool.size()));
            int index = g.members().get(random.nextInt(g.members().size()));
            int t = random.nextInt(NoiseSchedule.STEPS);
            long noiseSeed = random.nextLong();
            items.add(new BatchItem(examples.id(index), t, noiseSeed));
        }
        return items;
    }

    boolean dropsCondition(BatchItem item) {
        return dropsCondition(item.noiseSeed(), conditionDropout);
    }

    /** The dropout rule, public in effect: uniform from the noise seed below the dropout rate. */
    static boolean dropsCondition(long noiseSeed, double dropout) {
        return (Seeds.mix(noiseSeed, 1) >>> 11) * 0x1.0p-53 < dropout;
    }
}
