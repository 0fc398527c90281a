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
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The recorded probe trajectories of one run under one conditioning, read from the store one
 * probe at a time. Channels are the run's (layer, timestep, pooling) combinations; the training
 * set is the run's training-image probes, in probe order. Every trajectory covers the same steps:
 * those at which the first training probe's first channel was recorded.
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
    private final long[] steps;
    private final List<ProbeSpec> trainingProbes;
    private final TrainingSet trainingSet;

    private StoredProbeTrajectories(TrajectoryStore store, RunManifest manifest, Conditioning conditioning,
                                    List<Channel> channels, int[] dimensions, long[] steps, List<ProbeSpec> trainingProbes) {
        this.store = store;
        this.manifest = manifest;
        this.conditioning = conditioning;
        this.channels = channels;
        this.dimensions = dimensions;
        this.steps = steps;
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
        List<Long> stepList = new ArrayList<>();
        int[] dims = new int[channels.size()];
        Channel first = channels.get(0);
        try (StoreIterator<StepValue<Tensor>> it = store.activationTrajectory(runId, training.get(0).probeId(),
                first.layer(), first.timestep(), conditioning, first.pooling(), 0, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                StepValue<Tensor> v = it.next();
                stepList.add(v.step());
                dims[0] = v.value().size();
            }
        }
        if (stepList.size() < 2) {
            throw new IllegalArgumentException("run " + runId + " recorded probe activations at " + stepList.size()
                    + " step(s); trajectories need at least 2");
        }
        for (int c = 1; c < channels.size(); c++) {
            Channel ch = channels.get(c);
            try (StoreIterator<StepValue<Tensor>> it = store.activationTrajectory(runId, training.get(0).probeId(),
                    ch.layer(), ch.timestep(), conditioning, ch.pooling(), 0, Long.MAX_VALUE)) {
                if (it.hasNext()) {
                    dims[c] = it.next().value().size();
                }
            }
        }
        long[] steps = stepList.stream().mapToLong(Long::longValue).toArray();
        return new StoredProbeTrajectories(store, manifest, conditioning, List.copyOf(channels), dims, steps,
                List.copyOf(training));
    }

    /**
     * The same trajectories cut at {@code step}: only the recorded steps up to it, inclusive (the
     * run as it had been recorded then).
     *
     * @throws IllegalArgumentException if fewer than 2 recorded steps are that early
     */
    public StoredProbeTrajectories upToStep(long step) {
        int n = 0;
        while (n < steps.length && steps[n] <= step) {
            n++;
        }
        if (n < 2) {
            throw new IllegalArgumentException("run " + manifest.runId() + " recorded " + n + " step(s) up to step " + step
                    + "; trajectories need at least 2");
        }
        return new StoredProbeTrajectories(store, manifest, conditioning, channels, dimensions,
                Arrays.copyOf(steps, n), trainingProbes);
    }

    /** The run's manifest. */
    public RunManifest manifest() {
        return manifest;
    }

    /** The training images, in the order of {@link #forEachItem}. */
    public TrainingSet trainingSet() {
        return trainingSet;
    }

    /** The recorded steps every trajectory covers. */
    public long[] recordedSteps() {
        return steps.clone();
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
        return steps.length;
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
        float[][][] values = new float[channels.size()][steps.length][];
        for (int c = 0; c < channels.size(); c++) {
            Channel ch = channels.get(c);
            int k = 0;
            try (StoreIterator<StepValue<Tensor>> it = store.activationTrajectory(manifest.runId(), probeId, ch.layer(),
                    ch.timestep(), conditioning, ch.pooling(), steps[0], steps[steps.length - 1] + 1)) {
                while (it.hasNext() && k < steps.length) {
                    StepValue<Tensor> v = it.next();
                    if (v.step() == steps[k]) {
                        values[c][k++] = v.value().toFloatArray();
                    }
                }
            }
            if (k != steps.length) {
                throw new IllegalArgumentException("probe " + probeId + " channel " + ch + " has " + k + " of the "
                        + steps.length + " recorded steps");
            }
        }
        return new Trajectory(values);
    }
}
