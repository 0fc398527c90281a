package dev.stemma.analyzer.bench;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.GradientConfig;
import dev.stemma.analyzer.GradientReader;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.gradient.FactorLayout;
import dev.stemma.analyzer.gradient.GradientReplayConfig;
import dev.stemma.analyzer.gradient.ReplayedGradients;
import dev.stemma.analyzer.gradient.StoredWeightUpdates;
import dev.stemma.analyzer.linalg.StepGramSubspaces;
import dev.stemma.analyzer.linalg.Subspace;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.ProbeSpec;
import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.LoraGradients;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.ImageDataset;
import dev.stemma.trainer.model.NoiseSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gradient methods on a real recorded run: milliseconds per per-example gradient, seconds and
 * peak heap of the weight subspace from the stored updates, and (unless {@code speed-only}) top-1
 * concept accuracy of {@code tracin}, {@code weight-subspace}, its random control and pixel
 * cosine on held-out training images.
 *
 * <pre>
 * java -cp ... dev.stemma.analyzer.bench.RecordedGradientBenchmark STORE RUN BASE ADAPTER DATA [every] [held-out per concept] [speed-only]
 * </pre>
 * {@code ADAPTER} is any adapter file of the run's shape (rank, concepts; its values are replaced by
 * the stored ones). Accuracy: every 8th image of each concept (10 of 80) is held out of the
 * analyzer's training set and attributed; all gradients (each timestep apart, at 4 checkpoints) are
 * computed once and held in memory, so the methods differ only in how they compare them.
 */
public final class RecordedGradientBenchmark {

    private RecordedGradientBenchmark() {
    }

    public static void main(String[] args) {
        Path storeDir = Path.of(args[0]);
        String run = args[1];
        Path base = Path.of(args[2]);
        Path adapter = Path.of(args[3]);
        String data = args[4];
        int every = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        int heldOutPerConcept = args.length > 6 ? Integer.parseInt(args[6]) : 10;
        boolean speedOnly = args.length > 7 && args[7].equals("speed-only");
        Map<String, Object> out = new LinkedHashMap<>();
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(storeDir);
             StemmaModel model = StemmaModel.open(base, adapter)) {
            RunManifest manifest = store.manifest(run).orElseThrow();
            FactorLayout layout = FactorLayout.loraFactors(manifest);
            out.put("run", run);
            out.put("lora_parameters", layout.columns());

            // weight subspace from the stored updates
            StoredWeightUpdates updates = StoredWeightUpdates.open(store, run, layout, every);
            HeapPeaks.reset();
            long t0 = System.nanoTime();
            Subspace weights = StepGramSubspaces.build(updates, 16);
            out.put("subspace_rows", updates.rows());
            out.put("subspace_seconds", (System.nanoTime() - t0) / 1e9);
            out.put("subspace_peak_heap_mib", HeapPeaks.peak() / 1048576.0);
            out.put("subspace_energy_fraction_k16", weights.energyFraction());

            // training images as the run selected them
            List<String> concepts = manifest.concepts();
            int perConcept = Integer.parseInt(manifest.config().getOrDefault("images-per-concept", "80"));
            ImageDataset images = Datasets.select(Datasets.withChannels(Datasets.open(data), model.config().imageChannels()),
                    concepts, perConcept);
            List<String> probeIds = manifest.probes().stream().filter(p -> p.kind() == ProbeSpec.Kind.TRAINING_IMAGE)
                    .map(ProbeSpec::imageId).toList();
            List<String> ids = new ArrayList<>();
            float[][] pixels = new float[images.size()][];
            for (int i = 0; i < images.size(); i++) {
                ids.add(images.imageId(i));
                pixels[i] = images.pixels(i);
            }
            out.put("training_images", ids.size());
            out.put("probe_ids_are_training_ids", ids.containsAll(probeIds));

            // milliseconds per gradient at the last checkpoint
            LoraGradients gradients = LoraGradients.of(model);
            GradientReplayConfig defaults = GradientReplayConfig.defaults();
            int pixelsPer = pixels[0].length;
            float[][] noise = {NoiseSchedule.noise(1, pixelsPer), NoiseSchedule.noise(2, pixelsPer)};
            int[] ts = {200, 600};
            float[] buffer = new float[gradients.parameterCount()];
            float[] nul = model.nullCondition();
            ReplayedGradients probe = ReplayedGradients.replay(store, run, model, ids.subList(0, 1), new float[][] {pixels[0]}, null,
                    defaults.withCheckpoints(1), line -> { });
            probe.forEachGradient((item, checkpoint, g) -> { }); // loads the last checkpoint's adapter
            int n = 40;
            for (int i = 0; i < 4; i++) {
                gradients.gradient(pixels[i], nul, ts, noise, buffer); // warm-up
            }
            // wall and process CPU time (PyTorch's own threads included), the two variants interleaved
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long[] wall = new long[2];
            long[] cpu = new long[2];
            for (int i = 0; i < n; i++) {
                for (int variant = 0; variant < 2; variant++) {
                    long w0 = System.nanoTime();
                    long c0 = os.getProcessCpuTime();
                    if (variant == 0) {
                        gradients.gradient(pixels[i], nul, new int[] {200}, new float[][] {noise[0]}, buffer);
                    } else {
                        gradients.gradient(pixels[i], nul, ts, noise, buffer);
                    }
                    cpu[variant] += os.getProcessCpuTime() - c0;
                    wall[variant] += System.nanoTime() - w0;
                }
            }
            out.put("ms_per_gradient_one_timestep", wall[0] / 1e6 / n);
            out.put("cpu_ms_per_gradient_one_timestep", cpu[0] / 1e6 / n);
            out.put("ms_per_gradient_two_timesteps_one_backward", wall[1] / 1e6 / n);
            out.put("cpu_ms_per_gradient_two_timesteps_one_backward", cpu[1] / 1e6 / n);
            out.put("load_average", os.getSystemLoadAverage());

            if (!speedOnly) {
                accuracy(out, store, run, model, concepts, images, ids, pixels, updates, heldOutPerConcept);
            }
        }
        StringBuilder json = new StringBuilder("{");
        out.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof String s ? '"' + s + '"' : v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v));
        System.out.println(json.append('}'));
    }

    private static void accuracy(Map<String, Object> out, TrajectoryStore store, String run, StemmaModel model, List<String> concepts,
                                 ImageDataset images, List<String> ids, float[][] pixels, StoredWeightUpdates updates, int heldOutPerConcept) {
        // every image's gradient at each (checkpoint, timestep), held in memory once
        GradientReplayConfig config = GradientReplayConfig.defaults().withTimesteps(List.of(200, 600), true)
                .withProgressEvery(Duration.ofSeconds(30));
        ReplayedGradients replayed = ReplayedGradients.replay(store, run, model, ids, pixels, null, config,
                line -> System.err.println(line));
        int slots = replayed.checkpoints();
        float[][][] all = new float[ids.size()][slots][];
        long t0 = System.nanoTime();
        replayed.forEachGradient((item, slot, g) -> all[item][slot] = g.clone());
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.put("replay_all_seconds", seconds);
        out.put("ms_per_gradient_streamed", seconds * 1000 / ((double) ids.size() * slots));
        out.put("checkpoint_steps", java.util.Arrays.toString(replayed.checkpointSteps()).replace(" ", ""));

        // held out: every k-th image of each concept
        List<Integer> train = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (String concept : concepts) {
            List<Integer> members = images.indicesOf(concept);
            int stride = Math.max(1, members.size() / heldOutPerConcept);
            for (int j = 0; j < members.size(); j++) {
                (j % stride == 0 && j / stride < heldOutPerConcept ? held : train).add(members.get(j));
            }
        }
        List<TrainingItem> items = new ArrayList<>();
        float[][] trainPixels = new float[train.size()][];
        for (int i = 0; i < train.size(); i++) {
            int index = train.get(i);
            items.add(new TrainingItem(ids.get(index), images.classes().get(images.label(index))));
            trainPixels[i] = pixels[index];
        }
        TrainingSet set = new TrainingSet(items);
        for (String variant : List.of("summed", "apart", "t200", "t600")) {
            float[][][] features = new float[ids.size()][][];
            for (int i = 0; i < ids.size(); i++) {
                features[i] = variant(all[i], variant);
            }
            GradientReader reader = new HeldGradients(features, train);
            long b0 = System.nanoTime();
            Analyzer.Builder builder = Analyzer.builder(run, set).gradients(reader, updates, GradientConfig.defaults());
            if (variant.equals("summed")) {
                builder.embedding("pixels", trainPixels);
            }
            Analyzer analyzer = builder.build();
            out.put(variant + "_analyzer_build_seconds", (System.nanoTime() - b0) / 1e9);
            for (String method : analyzer.methods()) {
                if (method.startsWith("knn")) {
                    continue;
                }
                int right = 0;
                for (int q : held) {
                    Query query = Query.empty().withGradients(features[q]).withEmbedding("pixels", pixels[q]);
                    Attribution attribution = analyzer.attribute(method, query);
                    right += attribution.topConcept().equals(images.classes().get(images.label(q))) ? 1 : 0;
                }
                out.put(variant + "_top1_" + method.replace(':', '_'), (double) right / held.size());
            }
        }
        out.put("held_out_queries", held.size());
        out.put("analyzer_training_images", train.size());
    }

    private static float[][] variant(float[][] slots, String variant) {
        int checkpoints = slots.length / 2;
        float[][] out = new float[variant.equals("apart") ? slots.length : checkpoints][];
        for (int c = 0; c < checkpoints; c++) {
            float[] t200 = slots[2 * c];
            float[] t600 = slots[2 * c + 1];
            switch (variant) {
                case "apart" -> {
                    out[2 * c] = t200;
                    out[2 * c + 1] = t600;
                }
                case "t200" -> out[c] = t200;
                case "t600" -> out[c] = t600;
                default -> {
                    float[] sum = new float[t200.length];
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] = t200[i] + t600[i];
                    }
                    out[c] = sum;
                }
            }
        }
        return out;
    }

    /** Gradients held in memory, of the analyzer's training images only. */
    private record HeldGradients(float[][][] features, List<Integer> train) implements GradientReader {
        @Override
        public int checkpoints() {
            return features[train.get(0)].length;
        }

        @Override
        public int parameters() {
            return features[train.get(0)][0].length;
        }

        @Override
        public void forEachGradient(GradientVisitor visitor) {
            for (int i = 0; i < train.size(); i++) {
                float[][] g = features[train.get(i)];
                for (int c = 0; c < g.length; c++) {
                    visitor.visit(i, c, g[c]);
                }
            }
        }
    }
}
