package dev.stemma.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.stemma.agent.MonitoredModel;
import dev.stemma.protocol.BatchItem;
import dev.stemma.trainer.data.DatasetsTest;
import dev.stemma.trainer.model.TensorFile;
import dev.stemma.trainer.model.UNet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomisationTest {
    static final List<String> CONCEPTS = List.of("Shirt", "Bag");

    @TempDir
    static Path shared;
    static Path base;

    @TempDir
    Path dir;

    @BeforeAll
    static void pretrainTinyBase() throws IOException {
        base = TinyBase.pretrain(shared.resolve("base"));
    }

    @Test
    void shouldKeepBaseWeightsBitIdenticalAndChangeOnlyAdapterAndTokenParameters() throws IOException {
        Map<String, TensorFile.Tensor> baseBefore = TensorFile.read(base.resolve(ModelFiles.BASE_WEIGHTS));
        String shaBefore = ModelFiles.sha256(base.resolve(ModelFiles.BASE_WEIGHTS));
        Map<String, float[]> atStart = new HashMap<>();
        Map<String, float[]> atEnd = new HashMap<>();
        Path adapter = dir.resolve("a.stw");
        StemmaTrainer.customise(TinyBase.customise(base, TinyBase.SUBSET, CONCEPTS, adapter, 5),
                monitored -> List.of(new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBegin(Trainer trainer) {
                        trainer.getModel().getBlock().getParameters().forEach(p -> atStart.put(p.getValue().getName(),
                                p.getValue().getArray().toFloatArray()));
                    }

                    @Override
                    public void onTrainingEnd(Trainer trainer) {
                        trainer.getModel().getBlock().getParameters().forEach(p -> atEnd.put(p.getValue().getName(),
                                p.getValue().getArray().toFloatArray()));
                    }
                }), line -> { });
        assertFalse(atStart.isEmpty());
        int changedAdapters = 0;
        for (String name : atStart.keySet()) {
            boolean same = java.util.Arrays.equals(atStart.get(name), atEnd.get(name));
            if (UNet.isAdapterParameter(name)) {
                changedAdapters += same ? 0 : 1;
            } else {
                assertTrue(same, "base parameter " + name + " changed");
                assertArrayEquals(baseBefore.get(name).values(), atEnd.get(name), "base parameter " + name);
            }
        }
        assertTrue(atStart.containsKey("tokens/Shirt"));
        assertFalse(java.util.Arrays.equals(atStart.get("tokens/Shirt"), atEnd.get("tokens/Shirt")), "token did not train");
        long loraB = atStart.keySet().stream().filter(n -> n.endsWith("/lora_b")).count();
        assertTrue(changedAdapters >= loraB, "only " + changedAdapters + " adapter tensors changed");
        assertEquals(shaBefore, ModelFiles.sha256(base.resolve(ModelFiles.BASE_WEIGHTS)));
        Map<String, TensorFile.Tensor> saved = TensorFile.read(adapter);
        assertTrue(saved.keySet().stream().allMatch(UNet::isAdapterParameter), "adapter file holds base weights");
        assertTrue(Files.size(adapter) < Files.size(base.resolve(ModelFiles.BASE_WEIGHTS)));
    }

    @Test
    void shouldGiveTheSameLossesStepForStepWithTheSameSeed() throws IOException {
        List<Float> first = StemmaTrainer.customise(TinyBase.customise(base, TinyBase.SUBSET, CONCEPTS, dir.resolve("1.stw"), 6),
                m -> List.of(), line -> { }).losses();
        List<Float> second = StemmaTrainer.customise(TinyBase.customise(base, TinyBase.SUBSET, CONCEPTS, dir.resolve("2.stw"), 6),
                m -> List.of(), line -> { }).losses();
        assertEquals(6, first.size());
        assertEquals(first, second);
        assertTrue(first.stream().allMatch(Float::isFinite));
    }

    @Test
    void shouldResumeFromCheckpointWithTheSameLossesAsAnUninterruptedRun() throws IOException {
        CustomiseConfig full = TinyBase.customise(base, TinyBase.SUBSET, CONCEPTS, dir.resolve("full/a.stw"), 8);
        List<Float> uninterrupted = StemmaTrainer.customise(full, m -> List.of(), line -> { }).losses();

        CustomiseConfig part = TinyBase.customise(base, TinyBase.SUBSET, CONCEPTS, dir.resolve("part/a.stw"), 8);
        LoopSettings l = part.loop();
        LoopSettings checkpointed = new LoopSettings(l.steps(), l.batchSize(), l.learningRate(), l.warmupSteps(), l.clipNorm(),
                l.seed(), l.conditionDropout(), 4);
        int[] seen = {0};
        assertThrows(IllegalStateException.class, () -> StemmaTrainer.customise(part.withLoop(checkpointed),
                m -> List.of(new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        if (++seen[0] == 6) {
                            throw new IllegalStateException("simulated crash at step 5");
                        }
                    }
                }), line -> { }));
        List<Float> resumed = StemmaTrainer.customise(part.withLoop(checkpointed).withResume(true), m -> List.of(),
                line -> { }).losses();
        assertEquals(uninterrupted.subList(4, 8), resumed);
    }

    @Test
    void shouldHandListenersReproducibleBatchesOfTrainingImagesAndMicroConcepts() throws IOException {
        Path folder = dir.resolve("micro");
        DatasetsTest.writePng(folder.resolve("one/x.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 4; i++) {
            DatasetsTest.writePng(folder.resolve("four/" + i + ".png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        }
        DatasetsTest.writePng(folder.resolve("two/a.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        DatasetsTest.writePng(folder.resolve("two/b.png"), 28, 28, BufferedImage.TYPE_BYTE_GRAY);
        List<String> micro = List.of("one", "two", "four");
        List<List<BatchItem>> firstRun = recordBatches(folder, micro);
        List<List<BatchItem>> secondRun = recordBatches(folder, micro);
        assertEquals(firstRun, secondRun);
        assertEquals(4, firstRun.size());
        Set<String> ids = new java.util.HashSet<>();
        firstRun.forEach(b -> b.forEach(item -> ids.add(item.imageId())));
        assertTrue(ids.stream().allMatch(id -> id.startsWith("one/") || id.startsWith("two/") || id.startsWith("four/")
                || id.startsWith("prior/")), ids.toString());
        assertTrue(ids.stream().anyMatch(id -> id.startsWith("one/")));
    }

    private List<List<BatchItem>> recordBatches(Path folder, List<String> micro) throws IOException {
        List<List<BatchItem>> batches = new ArrayList<>();
        List<MonitoredModel> models = new ArrayList<>();
        StemmaTrainer.customise(TinyBase.customise(base, "folder:" + folder, micro, dir.resolve("m" + System.nanoTime() + ".stw"), 4),
                monitored -> {
                    models.add(monitored);
                    return List.of(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            batches.add(monitored.currentBatch());
                            assertEquals(batchData.getBatch().getSize(), monitored.currentBatch().size());
                        }
                    });
                }, line -> { });
        assertEquals(micro, models.get(0).concepts());
        assertEquals(7, models.get(0).trainingImages().size());
        return batches;
    }

    @Test
    void shouldOfferTheAgentAdapterTensorsGenerationsAndEarlyStoppingProbeForwards() throws IOException {
        Map<String, long[]> shapes = new HashMap<>();
        StemmaTrainer.customise(TinyBase.customise(base, TinyBase.SUBSET, CONCEPTS, dir.resolve("p.stw"), 2),
                monitored -> List.of(new ProbeListener(monitored, shapes)), line -> { });
        assertArrayEquals(new long[] {1, 8, 28, 28}, shapes.get("down0"));
        assertArrayEquals(new long[] {1, 16, 14, 14}, shapes.get("mid"));
        assertFalse(shapes.containsKey("up0"));
        assertArrayEquals(new long[] {2, 1, 28, 28}, shapes.get("generated"));
    }

    /** What the agent will do at a step: probe forwards and generations through the MonitoredModel. */
    private static final class ProbeListener extends TrainingListenerAdapter {
        private final MonitoredModel model;
        private final Map<String, long[]> shapes;

        ProbeListener(MonitoredModel model, Map<String, long[]> shapes) {
            this.model = model;
            this.shapes = shapes;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            if (!shapes.isEmpty()) {
                return;
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
                MonitoredModel.ProbeImage img = model.trainingImages().get(0);
                NDArray x = m.create(img.pixels(), new ai.djl.ndarray.types.Shape(1, 1, 28, 28));
                NDArray noise = m.randomNormal(x.getShape());
                Map<String, NDArray> acts = model.probeForward(m, x, 200, noise, java.util.Arrays.asList((String) null),
                        Set.of("down0", "mid"));
                acts.forEach((k, v) -> shapes.put(k, v.getShape().getShape()));
                shapes.put("generated", model.generate(m, "Shirt", 5, 2).getShape().getShape());
                assertTrue(model.adapterTensors().containsKey("tokens/Shirt"));
                assertTrue(model.adapterTensors().keySet().stream().allMatch(UNet::isAdapterParameter));
                assertEquals(List.of("down0", "mid", "up0"), model.tappableLayers());
            }
        }
    }
}
