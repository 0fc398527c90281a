package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.listener.TrainingListener;
import dev.stemma.agent.MonitoredModel;
import dev.stemma.trainer.model.DdimSampler;
import dev.stemma.trainer.model.Seeds;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.protocol.StemmaVersion;
import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.ImageDataset;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The trainer module's entry point: pretrain a base, customise it with LoRA adapters and concept
 * tokens (with extra DJL training listeners, such as the agent), and sample from base + adapter.
 */
public final class StemmaTrainer {
    private StemmaTrainer() {}

    /** The sha256 of a base model directory's weights: what run manifests and adapters name it by. */
    public static String baseSha256(Path baseDir) {
        return ModelFiles.baseSha256(baseDir);
    }

    /** What a pretraining run produced. */
    public record PretrainResult(Path baseDir, List<Float> losses, double millisPerStep, String sha256) {}

    /** Trains a base model and writes it (EMA weights, config, provenance, sha256) into {@code config.out()}. */
    public static PretrainResult pretrain(PretrainConfig config, Consumer<String> log) throws IOException {
        ImageDataset all = Datasets.open(config.dataSpec());
        ImageDataset data = Datasets.select(all, config.classes(), config.imagesPerClass());
        requireSquare(data);
        UNetConfig modelConfig = new UNetConfig(data.channels(), data.height(), config.channels(),
                UNetConfig.DEFAULT_GROUPS, config.classes());
        Examples examples = new Examples();
        for (int c = 0; c < config.classes().size(); c++) {
            List<String> ids = new ArrayList<>();
            List<float[]> images = new ArrayList<>();
            for (int i : data.indicesOf(config.classes().get(c))) {
                ids.add(data.imageId(i));
                images.add(data.pixels(i));
            }
            examples.addGroup(config.classes().get(c), c + 1, false, ids, images);
        }
        log.accept("pretraining a " + modelConfig.channels() + " U-Net on " + data.size() + " images of "
                + config.classes().size() + " classes from " + data.source());
        try (Model model = Model.newInstance("stemma-base", Device.cpu(), "PyTorch")) {
            UNet unet = new UNet(modelConfig);
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            unet.randomise(config.loop().seed(), name -> true);
            long params = unet.parametersByName().values().stream().mapToLong(p -> p.getShape().size()).sum();
            log.accept(params + " parameters");
            try (DiffusionLoop loop = new DiffusionLoop(unet, model, examples, config.loop(), 0, name -> true,
                    config.emaDecay(), config.out(), List.of(), log)) {
                long start = config.resume() ? loop.restoreCheckpoint() : 0;
                long began = System.nanoTime();
                List<Float> losses = loop.run(start);
                double ms = (System.nanoTime() - began) / 1e6 / Math.max(1, losses.size());
                Map<String, NDArray> weights = config.emaDecay() > 0 ? loop.emaWeights() : current(unet);
                ObjectNode prov = ModelFiles.JSON.createObjectNode();
                prov.put("seed", config.loop().seed());
                prov.set("loop", ModelFiles.JSON.valueToTree(config.loop()));
                prov.put("emaDecay", config.emaDecay());
                prov.put("dataset", data.source());
                prov.put("imagesPerClass", config.imagesPerClass());
                prov.put("trainingImages", data.size());
                prov.put("parameters", params);
                prov.put("finalLoss50", losses.subList(Math.max(0, losses.size() - 50), losses.size()).stream()
                        .mapToDouble(Float::doubleValue).average().orElse(Double.NaN));
                prov.put("stemmaVersion", StemmaVersion.current());
                prov.put("createdAt", Instant.now().toString());
                prov.put("command", "stemma pretrain --data " + config.dataSpec() + " --classes '"
                        + String.join(",", config.classes()) + "' --out " + config.out() + " --steps " + config.loop().steps()
                        + " --batch " + config.loop().batchSize() + " --seed " + config.loop().seed()
                        + " --images-per-class " + config.imagesPerClass());
                ModelFiles.writeBase(config.out(), modelConfig, weights, prov);
                String sha = ModelFiles.baseSha256(config.out());
                log.accept("base written to " + config.out() + " (sha256 " + sha + ")");
                return new PretrainResult(config.out(), losses, ms, sha);
            }
        }
    }

    /** What a customisation produced. */
    public record CustomiseResult(Path adapterFile, List<Float> losses, double millisPerStep, double seconds) {}

    /**
     * Customises the base: freezes it, trains LoRA adapters and one token per concept, writes the
     * adapter. {@code listeners} receives the run's {@link MonitoredModel} and returns the extra DJL
     * training listeners to attach (the agent is one); return an empty list for none.
     */
    public static CustomiseResult customise(CustomiseConfig config,
                                            Function<MonitoredModel, List<TrainingListener>> listeners,
                                            Consumer<String> log) throws IOException {
        long began = System.nanoTime();
        UNetConfig baseConfig = ModelFiles.readBaseConfig(config.base());
        ImageDataset all = Datasets.withChannels(Datasets.open(config.dataSpec()), baseConfig.imageChannels());
        ImageDataset data = Datasets.select(all, config.concepts(), config.imagesPerConcept());
        if (data.height() != baseConfig.imageSize() || data.width() != baseConfig.imageSize()) {
            throw new IllegalArgumentException("images of " + data.source() + " are " + data.width() + "x" + data.height()
                    + ", the base in " + config.base() + " expects " + baseConfig.imageSize() + "x" + baseConfig.imageSize());
        }
        Path dir = config.adapterFile().toAbsolutePath().getParent();
        try (Model model = Model.newInstance("stemma-" + config.runId(), Device.cpu(), "PyTorch")) {
            UNet unet = new UNet(baseConfig, config.lora(), config.concepts());
            model.setBlock(unet);
            unet.allocate(model.getNDManager());
            ModelFiles.loadBase(config.base(), unet);
            unet.randomise(config.loop().seed(), UNet::isAdapterParameter);
            Examples examples = new Examples();
            List<MonitoredModel.ProbeImage> probes = new ArrayList<>();
            for (String concept : config.concepts()) {
                List<String> ids = new ArrayList<>();
                List<float[]> images = new ArrayList<>();
                for (int i : data.indicesOf(concept)) {
                    ids.add(data.imageId(i));
                    images.add(data.pixels(i));
                    probes.add(new MonitoredModel.ProbeImage(data.imageId(i), concept, data.pixels(i), data.channels(),
                            data.height(), data.width()));
                }
                examples.addGroup(concept, unet.conditionRow(concept), false, ids, images);
                log.accept("concept " + concept + ": " + ids.size() + " images");
            }
            if (config.priorFraction() > 0) {
                addPrior(unet, examples, config, log);
            }
            DiffusionLoop[] loopRef = new DiffusionLoop[1];
            MonitoredUNet monitored = new MonitoredUNet(unet, probes, () -> loopRef[0]);
            List<TrainingListener> extra = listeners.apply(monitored);
            try (DiffusionLoop loop = new DiffusionLoop(unet, model, examples, config.loop(), config.priorFraction(),
                    UNet::isAdapterParameter, 0f, dir, extra, log)) {
                loopRef[0] = loop;
                loop.scaleLearningRate(name -> name.startsWith("tokens/"), config.tokenLearningRateScale());
                long start = config.resume() ? loop.restoreCheckpoint() : 0;
                long t0 = System.nanoTime();
                List<Float> losses = loop.run(start);
                double ms = (System.nanoTime() - t0) / 1e6 / Math.max(1, losses.size());
                ObjectNode prov = ModelFiles.JSON.createObjectNode();
                prov.put("runId", config.runId());
                prov.put("baseSha256", ModelFiles.baseSha256(config.base()));
                prov.put("base", config.base().toString());
                prov.put("seed", config.loop().seed());
                prov.set("loop", ModelFiles.JSON.valueToTree(config.loop()));
                prov.put("dataset", data.source());
                prov.put("imagesPerConcept", config.imagesPerConcept());
                prov.put("priorFraction", config.priorFraction());
                prov.put("priorPerClass", config.priorPerClass());
                prov.put("tokenLearningRateScale", config.tokenLearningRateScale());
                prov.put("nonFiniteGradientPasses", loop.retriedSteps());
                prov.put("skippedUpdates", loop.skippedSteps());
                prov.put("stemmaVersion", StemmaVersion.current());
                prov.put("createdAt", Instant.now().toString());
                ModelFiles.writeAdapter(config.adapterFile(), unet, prov);
                log.accept("adapter written to " + config.adapterFile());
                if (loop.retriedSteps() > 0) {
                    log.accept(loop.retriedSteps() + " forward-backward pass(es) gave a non-finite gradient and were recomputed; "
                            + loop.skippedSteps() + " update(s) skipped");
                }
                return new CustomiseResult(config.adapterFile(), losses, ms, (System.nanoTime() - began) / 1e9);
            }
        }
    }

    /** Prior preservation: images of every base class generated by the frozen base, from a fixed seed. */
    private static void addPrior(UNet unet, Examples examples, CustomiseConfig config, Consumer<String> log) {
        long t0 = System.nanoTime();
        List<String> classes = unet.config().classes();
        int per = config.priorPerClass();
        float[][] cond = new float[classes.size() * per][unet.conditionRows()];
        for (int c = 0; c < classes.size(); c++) {
            for (int k = 0; k < per; k++) {
                cond[c * per + k][c + 1] = 1f;
            }
        }
        float[] all;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // fresh adapters are zero (LoRA B = 0) and concept tokens are not used: this is the base
            all = DdimSampler.sample(unet, m, cond, Seeds.mix(config.loop().seed(), 7), DdimSampler.DEFAULT_STEPS,
                    DdimSampler.DEFAULT_GUIDANCE).toFloatArray();
        }
        int size = all.length / cond.length;
        for (int c = 0; c < classes.size(); c++) {
            List<String> ids = new ArrayList<>();
            List<float[]> images = new ArrayList<>();
            for (int k = 0; k < per; k++) {
                ids.add("prior/" + classes.get(c) + "/" + k);
                images.add(java.util.Arrays.copyOfRange(all, (c * per + k) * size, (c * per + k + 1) * size));
            }
            examples.addGroup(classes.get(c), c + 1, true, ids, images);
        }
        log.accept(String.format("prior preservation: %d images of %d base classes generated in %.1f s", cond.length,
                classes.size(), (System.nanoTime() - t0) / 1e9));
    }

    /**
     * Writes {@code n} DDIM samples of a class, concept or mix ({@code weights}: name to weight) from
     * base + adapter (null for the base alone) as {@code PREFIX_i.png} plus {@code PREFIX_grid.png}
     * into {@code outDir}; returns the files.
     */
    public static List<Path> sample(Path baseDir, Path adapterFile, Map<String, Float> weights, int n, long seed,
                                    int steps, float guidance, Path outDir) throws IOException {
        if (n < 1 || n > 100_000) {
            throw new IllegalArgumentException("--n " + n + " is outside 1..100000");
        }
        try (StemmaModel model = StemmaModel.open(baseDir, adapterFile)) {
            float[] cond = model.mix(weights);
            float[][] rows = new float[n][];
            java.util.Arrays.fill(rows, cond);
            float[][] images = model.sample(rows, seed, steps, guidance);
            UNetConfig c = model.config();
            String prefix = Pngs.safeName(String.join("+", weights.keySet()));
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path f = outDir.resolve(prefix + "_" + i + ".png");
                Pngs.write(Pngs.toImage(images[i], c.imageChannels(), c.imageSize(), c.imageSize()), f);
                files.add(f);
            }
            List<List<float[]>> grid = new ArrayList<>();
            int cols = (int) Math.ceil(Math.sqrt(n));
            for (int i = 0; i < n; i += cols) {
                grid.add(java.util.Arrays.asList(images).subList(i, Math.min(n, i + cols)));
            }
            Path g = outDir.resolve(prefix + "_grid.png");
            Pngs.write(Pngs.grid(grid, c.imageChannels(), c.imageSize(), c.imageSize(), 2), g);
            files.add(g);
            return files;
        }
    }

    /**
     * Measures the trainer's figures ({@code stemma bench trainer}): speed, memory and, unless
     * {@code fidelity} is false, the default customisation's fidelity judged by the judge in
     * {@code judgeDir}; writes a grid of samples to {@code grid} (null: none). Returns them as JSON.
     */
    public static String benchmark(Path baseDir, Path judgeDir, String dataSpec, int samplesPerClass, Path grid,
                                   Path workDir, boolean speed, boolean fidelity, Consumer<String> log) throws IOException {
        ObjectNode result = new Benchmark(baseDir, judgeDir, dataSpec, samplesPerClass, grid, workDir, log).run(speed, fidelity);
        return ModelFiles.JSON.writeValueAsString(result);
    }

    /**
     * Trains the fidelity judge on the training split of {@code dataSpec}, measures its accuracy per
     * class on the test split, saves it into {@code outDir} and returns the accuracies as JSON.
     */
    public static String trainJudge(String dataSpec, int epochs, long seed, Path outDir, Consumer<String> log)
            throws IOException {
        ImageDataset train = Datasets.open(dataSpec);
        ImageDataset test = Datasets.open(dataSpec, true);
        long t0 = System.nanoTime();
        try (FidelityJudge judge = FidelityJudge.train(train, epochs, seed, log)) {
            Map<String, Double> acc = judge.accuracyPerClass(test);
            double overall = 0;
            for (int i = 0; i < test.size(); i++) {
                overall += acc.get(test.classes().get(test.label(i))) / test.size();
            }
            ObjectNode prov = ModelFiles.JSON.createObjectNode();
            prov.put("dataset", train.source());
            prov.put("trainingImages", train.size());
            prov.put("testImages", test.size());
            prov.put("epochs", epochs);
            prov.put("seed", seed);
            prov.put("trainSeconds", (System.nanoTime() - t0) / 1e9);
            prov.put("testAccuracy", overall);
            prov.set("testAccuracyPerClass", ModelFiles.JSON.valueToTree(acc));
            prov.put("command", "stemma judge --data " + dataSpec + " --epochs " + epochs + " --seed " + seed
                    + " --out " + outDir);
            prov.put("createdAt", Instant.now().toString());
            judge.save(outDir, prov);
            return ModelFiles.JSON.writeValueAsString(prov);
        }
    }

    private static Map<String, NDArray> current(UNet unet) {
        Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        unet.parametersByName().forEach((n, p) -> out.put(n, p.getArray()));
        return out;
    }

    static void requireSquare(ImageDataset data) {
        if (data.height() != data.width()) {
            throw new IllegalArgumentException("images of " + data.source() + " are " + data.width() + "x" + data.height()
                    + "; the U-Net needs square images");
        }
    }
}
