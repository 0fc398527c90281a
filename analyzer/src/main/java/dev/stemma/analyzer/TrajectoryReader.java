package dev.stemma.analyzer;

import java.util.List;

/**
 * The recorded representation trajectories of the training items, read one item at a time in
 * {@link TrainingSet} order. Must be readable more than once (subspace, then index).
 */
public interface TrajectoryReader {

    /** Receives the trajectory of training item {@code item}; it may be reused afterwards. */
    @FunctionalInterface
    interface ItemVisitor {
        void visit(int item, Trajectory trajectory);
    }

    /** Channel names (layer, timestep, pooling), in the order of {@link Trajectory#values()}. */
    List<String> channels();

    /** Vector dimension of channel {@code channel}. */
    int dimension(int channel);

    /** Number of recorded steps, the same for every item and channel. */
    int steps();

    /** Hands every training item's trajectory to {@code visitor}, once each. */
    void forEachItem(ItemVisitor visitor);
}
