package dev.stemma.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
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

/**
 * The trainer module's entry point: pretrain a base, customise it with LoRA adapters and concept
 * tokens (with extra DJL training listeners, such as the agent), and sample from base + adapter.
 */
public final class StemmaTrainer {
    private StemmaTrainer() {}

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
