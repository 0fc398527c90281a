package dev.stemma.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.ProbeSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixed probe set of a run and how its activations are taken. Built once when training
 * begins: up to {@code probesPerConcept} training images of each concept, then
 * {@code generationsPerConcept} fixed-seed generations of each concept made by the model as it
 * was then. Every (probe, timestep) gets one noise map, drawn in Java from a seed, so that the
 * only thing that changes a probe's activation between steps is the model.
 */
final class ProbeSet implements AutoCloseable {
    private final AgentConfig config;
    private final NDManager manager;
    private final List<ProbeSpec> specs;
    private final List<String> ownConcepts;
    private final NDArray images;
    private final Map<Integer, NDArray> noiseByTimestep = new LinkedHashMap<>();
    private final Set<String> layers;

    private ProbeSet(AgentConfig config, NDManager manager, List<ProbeSpec> specs, List<String> ownConcepts,
                     NDArray images, Set<String> layers) {
        this.config = config;
        this.manager = manager;
        this.specs = specs;
        this.ownConcepts = ownConcepts;
        this.images = images;
        this.layers = layers;
    }

    /** Builds the probe set in a sub-manager of {@code parent}, which this object closes. */
    static ProbeSet build(AgentConfig config, MonitoredModel model, NDManager parent) {
        NDManager manager = parent.newSubManager();
        try {
            Set<String> layers = new LinkedHashSet<>(config.layers().isEmpty() ? model.defaultProbeLayers() : config.layers());
            for (String l : layers) {
                if (!model.tappableLayers().contains(l)) {
                    throw new IllegalArgumentException("layer '" + l + "' cannot be tapped; the model offers "
                            + model.tappableLayers());
                }
            }
            List<ProbeSpec> specs = new ArrayList<>();
            List<String> own = new ArrayList<>();
            NDList parts = new NDList();
            Map<String, Integer> taken = new LinkedHashMap<>();
            Shape imageShape = null;
            for (MonitoredModel.ProbeImage img : model.trainingImages()) {
                int n = taken.getOrDefault(img.concept(), 0);
                if (n >= config.probesPerConcept()) {
                    continue;
                }
                taken.put(img.concept(), n + 1);
                imageShape = new Shape(1, img.channels(), img.height(), img.width());
                specs.add(new ProbeSpec(specs.size(), ProbeSpec.Kind.TRAINING_IMAGE, img.imageId(), img.concept()));
                own.add(img.concept());
                parts.add(manager.create(img.pixels(), imageShape));
            }
            List<String> concepts = model.concepts();
            for (int c = 0; c < concepts.size() && config.generationsPerConcept() > 0; c++) {
                String concept = concepts.get(c);
                long seed = config.provenance().seed() * 1_000_003L + c;
                NDArray generated = model.generate(manager, concept, seed, config.generationsPerConcept());
                for (int i = 0; i < config.generationsPerConcept(); i++) {
                    specs.add(new ProbeSpec(specs.size(), ProbeSpec.Kind.GENERATION,
                            "generation/" + concept + "/" + seed + "/" + i, concept));
                    own.add(concept);
                    parts.add(generated.get(i).expandDims(0));
                }
            }
            NDArray images = parts.isEmpty() ? null : ai.djl.ndarray.NDArrays.concat(parts, 0);
            ProbeSet set = new ProbeSet(config, manager, List.copyOf(specs), List.copyOf(own), images,
                    Collections.unmodifiableSet(layers));
            if (images != null) {
                for (int t : config.timesteps()) {
                    set.noiseByTimestep.put(t, fixedNoise(manager, images.getShape(), config.provenance().seed(), t));
                }
                // Fails now, not at the first recorded step, if the model cannot tap a layer.
                set.capture(model, config.timesteps());
            }
            return set;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The probes, in id order. */
    List<ProbeSpec> specs() {
        return specs;
    }

    /** The tapped layers. */
    Set<String> layers() {
        return layers;
    }

    /**
     * Runs the probe forwards of one step at {@code timesteps} (some of the configured ones) and
     * copies out the pooled activations. The (timestep, probe) pairs of each conditioning are taken
     * {@code probeBatchSize} at a time, timesteps mixed in one forward ({@link
     * MonitoredModel#probeForward(NDManager, NDArray, int[], NDArray, List, Set)}): one forward of
     * 128 cost 108 ms against 2 x 59 ms for two of 64. All engine work happens in a sub-manager
     * closed before returning.
     */
    List<StepCapture.ActivationBlock> capture(MonitoredModel model, List<Integer> timesteps) {
        List<StepCapture.ActivationBlock> out = new ArrayList<>();
        if (images == null) {
            return out;
        }
        for (int t : timesteps) {
            if (!noiseByTimestep.containsKey(t)) {
                throw new IllegalArgumentException("timestep " + t + " is not one of the probe set's " + config.timesteps());
            }
        }
        int pairs = specs.size() * timesteps.size();
        for (Conditioning cond : config.conditionings()) {
            for (int from = 0; from < pairs; from += config.probeBatchSize()) {
                List<Run> runs = runs(timesteps, from, Math.min(pairs, from + config.probeBatchSize()));
                try (NDManager step = manager.newSubManager()) {
                    Map<String, NDArray> acts = forward(model, step, runs, cond);
                    for (String layer : layers) {
                        NDArray a = acts.get(layer);
                        if (a == null) {
                            throw new IllegalStateException("probe forward did not return layer '" + layer + "'");
                        }
                        for (Pooling p : config.poolings()) {
                            addBlocks(out, ActivationPooler.pool(a, p), layer, cond, p, runs);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Probes {@code firstProbe .. firstProbe + count - 1} at one timestep: a slice of one forward's batch. */
    private record Run(int timestep, int firstProbe, int count) {}

    /** The runs of one timestep among pairs {@code [from, to)}; pair k is probe k % N at the (k / N)-th timestep. */
    private List<Run> runs(List<Integer> timesteps, int from, int to) {
        int total = specs.size();
        List<Run> runs = new ArrayList<>();
        for (int k = from; k < to; ) {
            int ti = k / total;
            int end = Math.min(to, (ti + 1) * total);
            runs.add(new Run(timesteps.get(ti), k % total, end - k));
            k = end;
        }
        return runs;
    }

    /** One probe forward over the runs' images, each noised to its run's timestep, in {@code step}. */
    private Map<String, NDArray> forward(MonitoredModel model, NDManager step, List<Run> runs, Conditioning cond) {
        NDList xs = new NDList();
        NDList noises = new NDList();
        List<Integer> ts = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (Run run : runs) {
            String range = run.firstProbe() + ":" + (run.firstProbe() + run.count());
            // Slices join the sliced array's manager: move them to this step's, so their handles
            // are freed with it rather than kept until the run ends.
            NDArray x = images.get(range);
            x.attach(step);
            xs.add(x);
            NDArray eps = noiseByTimestep.get(run.timestep()).get(range);
            eps.attach(step);
            noises.add(eps);
            for (int i = run.firstProbe(); i < run.firstProbe() + run.count(); i++) {
                ts.add(run.timestep());
                tokens.add(cond == Conditioning.OWN_TOKEN ? ownConcepts.get(i) : null);
            }
        }
        NDArray x = xs.size() == 1 ? xs.get(0) : NDArrays.concat(xs, 0);
        NDArray eps = noises.size() == 1 ? noises.get(0) : NDArrays.concat(noises, 0);
        return model.probeForward(step, x, ts.stream().mapToInt(Integer::intValue).toArray(), eps, tokens, layers);
    }

    /** Copies pooled (N, ...) activations out as one block per run. */
    private static void addBlocks(List<StepCapture.ActivationBlock> out, NDArray pooled, String layer, Conditioning cond,
                                  Pooling pooling, List<Run> runs) {
        long[] shape = pooled.getShape().getShape();
        int[] perProbe = new int[shape.length - 1];
        int per = 1;
        for (int d = 1; d < shape.length; d++) {
            perProbe[d - 1] = (int) shape[d];
            per *= perProbe[d - 1];
        }
        float[] values = pooled.toFloatArray();
        int first = 0;
        for (Run run : runs) {
            out.add(new StepCapture.ActivationBlock(layer, run.timestep(), cond, pooling, run.firstProbe(), run.count(),
                    perProbe, Arrays.copyOfRange(values, first * per, (first + run.count()) * per)));
            first += run.count();
        }
    }

    private static NDArray fixedNoise(NDManager manager, Shape shape, long seed, int timestep) {
        return manager.create(ProbeNoise.values(seed, timestep, Math.toIntExact(shape.size())), shape);
    }

    @Override
    public void close() {
        manager.close();
    }
}
