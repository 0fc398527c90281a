package dev.stemma.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stemma.trainer.model.InPlace;
import dev.stemma.trainer.model.LoraSpec;
import dev.stemma.trainer.model.TensorFile;
import dev.stemma.trainer.model.UNet;
import dev.stemma.trainer.model.UNetConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a base and of an adapter. A base directory holds {@code base.stw} (the EMA weights),
 * {@code base.json} (model config, seed, training settings, dataset, how it was made) and
 * {@code base.sha256}. An adapter is {@code NAME.stw} (LoRA factors and concept tokens only) with
 * {@code NAME.json} beside it (rank, alpha, concepts, the base's sha256, settings).
 */
final class ModelFiles {
    static final String BASE_WEIGHTS = "base.stw";
    static final String BASE_INFO = "base.json";
    static final String BASE_SHA = "base.sha256";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFiles() {}

    static void writeBase(Path dir, UNetConfig config, Map<String, NDArray> weights, ObjectNode provenance) throws IOException {
        Files.createDirectories(dir);
        Map<String, TensorFile.Tensor> out = new LinkedHashMap<>();
        weights.forEach((name, a) -> out.put(name, new TensorFile.Tensor(a.getShape().getShape(), a.toFloatArray())));
        Path file = dir.resolve(BASE_WEIGHTS);
        TensorFile.write(file, out);
        ObjectNode info = JSON.createObjectNode();
        info.put("format", 1);
        info.set("model", configJson(config));
        info.setAll(provenance);
        String sha = sha256(file);
        info.put("sha256", sha);
        Files.writeString(dir.resolve(BASE_INFO), JSON.writeValueAsString(info) + "\n");
        Files.writeString(dir.resolve(BASE_SHA), sha + "  " + BASE_WEIGHTS + "\n");
    }

    static ObjectNode configJson(UNetConfig config) {
        ObjectNode m = JSON.createObjectNode();
        m.put("imageChannels", config.imageChannels());
        m.put("imageSize", config.imageSize());
        m.set("channels", JSON.valueToTree(config.channels()));
        m.put("groups", config.groups());
        m.set("classes", JSON.valueToTree(config.classes()));
        return m;
    }

    /** The config of the base in {@code dir}, checking the weights against the recorded sha256. */
    static UNetConfig readBaseConfig(Path dir) {
        JsonNode info = readJson(dir.resolve(BASE_INFO));
        JsonNode m = info.path("model");
        List<Integer> channels = new ArrayList<>();
        m.path("channels").forEach(n -> channels.add(n.asInt()));
        List<String> classes = new ArrayList<>();
        m.path("classes").forEach(n -> classes.add(n.asText()));
        String expected = info.path("sha256").asText();
        String actual = sha256(dir.resolve(BASE_WEIGHTS));
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("base weights " + dir.resolve(BASE_WEIGHTS) + " have sha256 " + actual
                    + ", " + dir.resolve(BASE_INFO) + " says " + expected);
        }
        return new UNetConfig(m.path("imageChannels").asInt(), m.path("imageSize").asInt(), channels,
                m.path("groups").asInt(), classes);
    }

    static String baseSha256(Path dir) {
        return readJson(dir.resolve(BASE_INFO)).path("sha256").asText();
    }

    /** Loads the base weights of {@code dir} into {@code unet} (whose base parameters must all match). */
    static void loadBase(Path dir, UNet unet) {
        Map<String, TensorFile.Tensor> tensors = TensorFile.read(dir.resolve(BASE_WEIGHTS));
        load(tensors, unet, false, dir.resolve(BASE_WEIGHTS));
    }

    static void writeAdapter(Path file, UNet unet, ObjectNode provenance) throws IOException {
        Map<String, TensorFile.Tensor> out = new LinkedHashMap<>();
        unet.parametersByName().forEach((name, p) -> {
            if (UNet.isAdapterParameter(name)) {
                out.put(name, new TensorFile.Tensor(p.getShape().getShape(), p.getArray().toFloatArray()));
            }
        });
        TensorFile.write(file, out);
        ObjectNode info = JSON.createObjectNode();
        info.put("format", 1);
        info.put("rank", unet.lora().rank());
        info.put("alpha", unet.lora().alpha());
        info.set("concepts", JSON.valueToTree(unet.concepts()));
        info.setAll(provenance);
        info.put("sha256", sha256(file));
        Files.writeString(adapterInfo(file), JSON.writeValueAsString(info) + "\n");
    }

    static Path adapterInfo(Path adapterFile) {
        String name = adapterFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return adapterFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /** Rank, alpha and concepts of an adapter, and the sha256 of the base it was trained on. */
    record AdapterInfo(LoraSpec lora, List<String> concepts, String baseSha256) {}

    static AdapterInfo readAdapterInfo(Path adapterFile) {
        if (!Files.isRegularFile(adapterFile)) {
            throw new IllegalArgumentException("adapter file " + adapterFile + " does not exist");
        }
        JsonNode info = readJson(adapterInfo(adapterFile));
        List<String> concepts = new ArrayList<>();
        info.path("concepts").forEach(n -> concepts.add(n.asText()));
        return new AdapterInfo(new LoraSpec(info.path("rank").asInt(), (float) info.path("alpha").asDouble()), concepts,
                info.path("baseSha256").asText());
    }

    static void loadAdapter(Path file, UNet unet) {
        load(TensorFile.read(file), unet, true, file);
    }

    private static void load(Map<String, TensorFile.Tensor> tensors, UNet unet, boolean adapter, Path file) {
        for (Map.Entry<String, Parameter> e : unet.parametersByName().entrySet()) {
            if (UNet.isAdapterParameter(e.getKey()) != adapter) {
                continue;
            }
            TensorFile.Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException(file + " lacks tensor " + e.getKey());
            }
            if (!java.util.Arrays.equals(t.shape(), e.getValue().getShape().getShape())) {
                throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", the model expects " + e.getValue().getShape());
            }
            InPlace.copy(e.getValue().getArray(), t.values());
        }
    }

    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage());
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
