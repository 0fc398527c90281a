package dev.stemma.analyzer.store;

import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.TrajectoryReader;
import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.collector.ActivationSeries;
import dev.stemma.collector.StepValue;
import dev.stemma.collector.StoreIterator;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.ProbeSpec;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The recorded probe trajectories of one run under one conditioning, read from the store one
 * probe at a time. Channels are the run's (layer, timestep, pooling) combinations; the training
 * set is the run's training-image probes, in probe order. Every trajectory covers the same steps
 * of each channel (a {@link StepGrid}): those at which the first training probe was recorded in
 * that channel, as many per channel as every channel has (timesteps taken in turn record each
 * timestep's channels at their own steps).
 */
public final class StoredProbeTrajectories implements TrajectoryReader {

    /** One channel: a layer seen at a diffusion timestep, pooled. */
    public record Channel(String layer, int timestep, Pooling pooling) {
        @Override
        public String toString() {
            return layer + "@t" + timestep + "/g" + pooling.grid();
        }
    }

    private final TrajectoryStore store;
    private final RunManifest manifest;
    private final Conditioning conditioning;
    private final List<Channel> channels;
    private final int[] dimensions;
    private final StepGrid grid;
    private final List<ProbeSpec> trainingProbes;
    private final TrainingSet trainingSet;

    private StoredProbeTrajectories(TrajectoryStore store, RunManifest manifest, Conditioning conditioning,
                                    List<Channel> channels, int[] dimensions, StepGrid grid, List<ProbeSpec> trainingProbes) {
        this.store = store;
        this.manifest = manifest;
        this.conditioning = conditioning;
        this.channels = channels;
        this.dimensions = dimensions;
        this.grid = grid;
        this.trainingProbes = trainingProbes;
        List<TrainingItem> items = new ArrayList<>();
        for (ProbeSpec p : trainingProbes) {
            items.add(new TrainingItem(p.imageId(), p.concept()));
        }
        this.trainingSet = new TrainingSet(items);
    }

    /**
     * Opens the probe trajectories of {@code runId} recorded under {@code conditioning}.
     *
     * @throws IllegalArgumentException if the run is unknown or recorded no such activations
     */
    public static StoredProbeTrajectories open(TrajectoryStore store, String runId, Conditioning conditioning) {
        RunManifest manifest = store.manifest(runId)
                .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no manifest in " + store.directory()));
        Map<Channel, Boolean> seen = new LinkedHashMap<>();
        for (ActivationSeries s : store.activationSeries(runId)) {
            if (s.conditioning() == conditioning) {
                seen.put(new Channel(s.layer(), s.timestep(), s.pooling()), true);
            }
        }
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("run " + runId + " recorded no probe activations under " + conditioning
                    + " conditioning");
        }
        List<Channel> channels = new ArrayList<>(seen.keySet());
        channels.sort(Comparator.comparing(Channel::layer).thenComparingInt(Channel::timestep)
                .thenComparingInt(c -> c.pooling().grid()));
        List<ProbeSpec> training = manifest.probes().stream()
                .filter(p -> p.kind() == ProbeSpec.Kind.TRAINING_IMAGE).toList();
        if (training.isEmpty()) {
            throw new IllegalArgumentException("run " + runId + " has no training-image probes");
        }
        long[][] recorded = new long[channels.size()][];
        int[] dims = new int[channels.size()];
        int count = Integer.MAX_VALUE;
        for (int c = 0; c < channels.size(); c++) {
            Channel ch = channels.get(c);
            List<Long> stepList = new ArrayList<>();
            try (StoreIterator<StepValue<Tensor>> it = store.activationTrajectory(runId, training.get(0).probeId(),
                    ch.layer(), ch.timestep(), conditioning, ch.pooling(), 0, Long.MAX_VALUE)) {
                while (it.hasNext()) {
                    StepValue<Tensor> v = it.next();
                    stepList.add(v.step());
                    dims[c] = v.value().size();
                }
            }
            recorded[c] = stepList.stream().mapToLong(Long::longValue).toArray();
            count = Math.min(count, recorded[c].length);
        }
        if (count < 2) {
            throw new IllegalArgumentException("run " + runId + " recorded probe activations at " + count
                    + " step(s) in some channel; trajectories need at least 2");
        }
        return new StoredProbeTrajectories(store, manifest, conditioning, List.copyOf(channels), dims,
                StepGrid.firstOf(recorded, count), List.copyOf(training));
    }

    /**
     * The same trajectories cut at {@code step}: only the recorded steps up to it, inclusive (the
     * run as it had been recorded then).
     *
     * @throws IllegalArgumentException if fewer than 2 recorded steps are that early
     */
    public StoredProbeTrajectories upToStep(long step) {
        StepGrid cut = grid.upTo(step);
        if (cut.count() < 2) {
            throw new IllegalArgumentException("run " + manifest.runId() + " recorded " + cut.count()
                    + " step(s) up to step " + step + "; trajectories need at least 2");
        }
        return new StoredProbeTrajectories(store, manifest, conditioning, channels, dimensions, cut, trainingProbes);
    }

    /** The run's manifest. */
    public RunManifest manifest() {
        return manifest;
    }

    /** The training images, in the order of {@link #forEachItem}. */
    public TrainingSet trainingSet() {
        return trainingSet;
    }

    /**
     * For each position of the trajectories, the step by which every channel had been recorded
     * there ({@link StepGrid#completedAt}): the steps of a run taken together, the later step of
     * each turn otherwise.
     */
    public long[] recordedSteps() {
        return grid.completedAt();
    }

    /** The steps of each channel that every trajectory covers. */
    public StepGrid stepGrid() {
        return grid;
    }

    /** The channels, in the order of every trajectory's values. */
    public List<Channel> channelList() {
        return channels;
    }

    @Override
    public List<String> channels() {
        return channels.stream().map(Channel::toString).toList();
    }

    @Override
    public int dimension(int channel) {
        return dimensions[channel];
    }

    @Override
    public int steps() {
        return grid.count();
    }

    @Override
    public void forEachItem(ItemVisitor visitor) {
        for (int i = 0; i < trainingProbes.size(); i++) {
            visitor.visit(i, trajectoryOf(trainingProbes.get(i).probeId()));
        }
    }

    /**
     * The recorded trajectory of any probe of the run (a training image or a probe generation).
     *
     * @throws IllegalArgumentException if the probe misses a recorded step of some channel
     */
    public Trajectory trajectoryOf(int probeId) {
        Objects.requireNonNull(manifest.probe(probeId), () -> "run has no probe " + probeId);
        int n = grid.count();
        float[][][] values = new float[channels.size()][n][];
        for (int c = 0; c < channels.size(); c++) {
            Channel ch = channels.get(c);
            int k = 0;
            try (StoreIterator<StepValue<Tensor>> it = store.activationTrajectory(manifest.runId(), probeId, ch.layer(),
                    ch.timestep(), conditioning, ch.pooling(), grid.step(c, 0), grid.step(c, n - 1) + 1)) {
                while (it.hasNext() && k < n) {
                    StepValue<Tensor> v = it.next();
                    if (v.step() == grid.step(c, k)) {
                        values[c][k++] = v.value().toFloatArray();
                    }
                }
            }
            if (k != n) {
                throw new IllegalArgumentException("probe " + probeId + " channel " + ch + " has " + k + " of the "
                        + n + " recorded steps");
            }
        }
        return new Trajectory(values);
    }
}
