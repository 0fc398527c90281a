package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.ImageDataset;
import dev.stemma.trainer.model.DdimSampler;
import dev.stemma.trainer.model.LoraSpec;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code stemma bench trainer}: the trainer's figures. Speed (ms per step at batch 32 and 64, base
 * and LoRA; DDIM images per second at 25 steps), memory (peak RSS, RSS along the default
 * customisation), and fidelity: the default customisation on the held-back concepts, timed, then the
 * judge's share of samples assigned to the intended class for every base class (with the adapter on
 * and, for comparison, off) and every concept, against the bars of issue 3.
 */
final class Benchmark {
    private final Path base;
    private final Path judgeDir;
    private final String dataSpec;
    private final int samplesPerClass;
    private final Path grid;
    private final Path work;
    private final Consumer<String> log;

    Benchmark(Path base, Path judgeDir, String dataSpec, int samplesPerClass, Path grid, Path work, Consumer<String> log) {
        this.base = base;
        this.judgeDir = judgeDir;
        this.dataSpec = dataSpec;
        this.samplesPerClass = samplesPerClass;
        this.grid = grid;
        this.work = work;
        this.log = log;
    }

    ObjectNode run(boolean speed, boolean fidelity) throws IOException {
        ObjectNode out = ModelFiles.JSON.createObjectNode();
        out.put("base", base.toString());
        out.put("baseSha256", ModelFiles.baseSha256(base));
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("loadAverageAtStart", loadAverage());
        if (speed) {
            out.set("speed", speed());
        }
        if (fidelity) {
            out.set("fidelity", fidelity());
        }
        out.put("peakRssMiB", rssMiB("VmHWM"));
        return out;
    }

    private ObjectNode speed() throws IOException {
        ObjectNode s = ModelFiles.JSON.createObjectNode();
        UNetConfig config = ModelFiles.readBaseConfig(base);
        ImageDataset data = Datasets.select(Datasets.withChannels(Datasets.open(dataSpec), config.imageChannels()),
                CustomiseConfig.DEFAULT_CONCEPTS, CustomiseConfig.DEFAULT_IMAGES_PER_CONCEPT);
        for (int batch : new int[] {32, 64}) {
            s.put("baseMsPerStepBatch" + batch, msPerStep(config, data, batch, false));
            s.put("loraMsPerStepBatch" + batch, msPerStep(config, data, batch, true));
        }
        try (StemmaModel model = StemmaModel.open(base, null)) {
            int n = 64;
            float[][] cond = new float[n][];
            for (int i = 0; i < n; i++) {
                cond[i] = model.condition(config.classes().get(i % config.classes().size()));
            }
            model.sample(Arrays.copyOf(cond, 8), 1, 2, 3f); // warm-up
            long t0 = System.nanoTime();
            model.sample(cond, 1, 25, DdimSampler.DEFAULT_GUIDANCE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            s.put("ddimImagesPerSecond25Steps", n / seconds);
            s.put("ddimNote", "64 images, 25 DDIM steps, classifier-free guidance (2 forwards per step, batched)");
        }
        log.accept("speed: " + s);
        return s;
    }

    private double msPerStep(UNetConfig config, ImageDataset data, int batch, boolean lora) throws IOException {
        int warm = 3;
        int measured = 12;
        List<String> concepts = lora ? CustomiseConfig.DEFAULT_CONCEPTS : List.of();
        try (Model model = Model.newInstance("bench", Device.cpu(), "PyTorch")) {
            UNet unet = lora ? new UNet(config, new LoraSpec(LoraSpec.DEFAULT_RANK, LoraSpec.DEFAULT_ALPHA), concepts)
                    : new UNet(config);
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            ModelFiles.loadBase(base, unet);
            unet.randomise(1, UNet::isAdapterParameter);
            Examples ex = new Examples();
            for (int c = 0; c < CustomiseConfig.DEFAULT_CONCEPTS.size(); c++) {
                String name = CustomiseConfig.DEFAULT_CONCEPTS.get(c);
                List<String> ids = new ArrayList<>();
                List<float[]> images = new ArrayList<>();
                for (int i : data.indicesOf(name)) {
                    ids.add(data.imageId(i));
                    images.add(data.pixels(i));
                }
                ex.addGroup(name, lora ? unet.conditionRow(name) : 1 + c % config.classes().size(), false, ids, images);
            }
            LoopSettings settings = LoopSettings.customiseDefaults().withSteps(warm + measured).withBatchSize(batch);
            long[] marks = new long[2];
            TrainingListener timer = new TrainingListenerAdapter() {
                int seen;

                @Override
                public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                    if (++seen == warm + 1) {
                        marks[0] = System.nanoTime();
                    }
                }
            };
            try (DiffusionLoop loop = new DiffusionLoop(unet, model, ex, settings, 0, lora ? UNet::isAdapterParameter : n -> true,
                    lora ? 0f : Ema.DEFAULT_DECAY, null, List.of(timer), line -> { })) {
                loop.run(0);
                marks[1] = System.nanoTime();
            }
            // from the (warm+1)-th step's listener call to the end: measured steps, minus one step's forward+backward
            return (marks[1] - marks[0]) / 1e6 / (measured - 1) ;
        }
    }

    private ObjectNode fidelity() throws IOException {
        ObjectNode f = ModelFiles.JSON.createObjectNode();
        Path adapter = work.resolve("bench-adapter.stw");
        List<long[]> rss = new ArrayList<>();
        TrainingListener memory = new TrainingListenerAdapter() {
            long step;

            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                if (step++ % 50 == 0) {
                    rss.add(new long[] {step - 1, rssMiB("VmRSS")});
                }
            }
        };
        CustomiseConfig cfg = CustomiseConfig.defaults(base, dataSpec, CustomiseConfig.DEFAULT_CONCEPTS, "bench", adapter);
        log.accept("default customisation: " + cfg.loop().steps() + " steps, batch " + cfg.loop().batchSize());
        StemmaTrainer.CustomiseResult r = StemmaTrainer.customise(cfg, m -> List.of(memory), log);
        f.put("customisationSeconds", r.seconds());
        f.put("customisationMsPerStep", r.millisPerStep());
        f.put("customisationBarSeconds", 300);
        f.put("customisationFinalLoss50", r.losses().subList(r.losses().size() - 50, r.losses().size()).stream()
                .mapToDouble(Float::doubleValue).average().orElse(Double.NaN));
        ArrayNode rssNode = f.putArray("rssMiBAlongCustomisation");
        rss.forEach(p -> rssNode.addArray().add(p[0]).add(p[1]));

        try (FidelityJudge judge = FidelityJudge.load(judgeDir)) {
            ImageDataset test = Datasets.open(dataSpec, true);
            Map<String, Double> real = judge.accuracyPerClass(test);
            f.set("judgeAccuracyOnRealTestImages", ModelFiles.JSON.valueToTree(real));
            double overall = 0;
            int[] counts = new int[test.classes().size()];
            for (int i = 0; i < test.size(); i++) {
                counts[test.label(i)]++;
            }
            for (int c = 0; c < counts.length; c++) {
                overall += real.getOrDefault(test.classes().get(c), 0.0) * counts[c] / test.size();
            }
            f.put("judgeAccuracyOverall", overall);
            f.put("judgeTestImages", test.size());
            List<List<float[]>> rows = new ArrayList<>();
            ObjectNode withAdapter = f.putObject("withAdapter");
            ObjectNode baseOnly = f.putObject("baseAlone");
            ObjectNode bars = f.putObject("bars");
            boolean allMet = true;
            UNetConfig config;
            try (StemmaModel model = StemmaModel.open(base, adapter)) {
                config = model.config();
                List<String> names = new ArrayList<>(model.baseClasses());
                names.addAll(model.concepts());
                for (String name : names) {
                    float[][] images = samples(model, name);
                    double fid = judge.fidelity(images, name);
                    withAdapter.put(name, fid);
                    double judgeAcc = real.getOrDefault(name, 1.0);
                    double bar = judgeAcc < 0.89 ? 0.9 * judgeAcc : 0.8;
                    ObjectNode b = bars.putObject(name);
                    b.put("bar", bar);
                    b.put("fidelity", fid);
                    b.put("met", fid >= bar);
                    allMet &= fid >= bar;
                    rows.add(Arrays.asList(images).subList(0, Math.min(10, images.length)));
                    log.accept(String.format("fidelity %-12s %.2f (bar %.2f)", name, fid, bar));
                }
            }
            try (StemmaModel model = StemmaModel.open(base, null)) {
                for (String name : model.baseClasses()) {
                    baseOnly.put(name, judge.fidelity(samples(model, name), name));
                }
            }
            f.put("allBarsMet", allMet);
            f.put("samplesPerClass", samplesPerClass);
            f.put("sampling", "DDIM " + DdimSampler.DEFAULT_STEPS + " steps, guidance " + DdimSampler.DEFAULT_GUIDANCE + ", seed 1234");
            if (grid != null) {
                Pngs.write(Pngs.grid(rows, config.imageChannels(), config.imageSize(), config.imageSize(), 2), grid);
                f.put("grid", grid.toString());
            }
        }
        return f;
    }

    private float[][] samples(StemmaModel model, String name) {
        float[][] cond = new float[samplesPerClass][];
        Arrays.fill(cond, model.condition(name));
        return model.sample(cond, 1234, DdimSampler.DEFAULT_STEPS, DdimSampler.DEFAULT_GUIDANCE);
    }

    static long rssMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
