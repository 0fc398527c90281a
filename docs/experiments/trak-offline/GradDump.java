package dev.stemma.analyzer.eval;

import dev.stemma.analyzer.TrainingItem;
import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.gradient.GradientReplayConfig;
import dev.stemma.analyzer.gradient.ReplayedGradients;
import dev.stemma.analyzer.replay.RunReplay;
import dev.stemma.analyzer.replay.RunTrainingImages;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.trainer.StemmaModel;
import java.io.*;
import java.nio.*;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.*;

/**
 * Scratch experiment, not part of the build: dumps what analyze.py reads (the evaluation's test images
 * regenerated with its seed, the LDS halves and losses from cached retrained adapters, every training and
 * test image's full LoRA gradient at the 4 checkpoints x the given timesteps, pixels).
 * Arguments: STORE RUN LDS_DIR OUT_DIR TIMESTEPS [prompt [FINAL_STEP]].
 */
public class GradDump {
    public static void main(String[] a) throws Exception {
        Path storeDir = Path.of(a[0]); String run = a[1]; Path lds = Path.of(a[2]); Path out = Path.of(a[3]);
        List<Integer> timesteps = Arrays.stream(a[4].split(",")).map(Integer::valueOf).toList();
        boolean prompt = a.length > 5 && a[5].equals("prompt");
        Files.createDirectories(out);
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(storeDir)) {
            Conditioning cond = prompt ? Conditioning.OWN_TOKEN : Conditioning.NULL_TOKEN;
            StoredProbeTrajectories rec = StoredProbeTrajectories.open(store, run, cond);
            TrainingSet set = rec.trainingSet();
            List<String> main = new ArrayList<>(), micro = new ArrayList<>();
            for (int c = 0; c < set.concepts().size(); c++) {
                (set.members(c).length > dev.stemma.trainer.data.ConceptFolders.MAX_MICRO_SIZE ? main : micro).add(set.concepts().get(c));
            }
            EvaluationConfig config = EvaluationConfig.defaults();
            List<TestImage> tests;
            Path baseDir;
            long finalStep = Long.parseLong(a.length > 6 ? a[6] : "799");
            try (RunReplay replay = RunReplay.open(store, run, null)) {
                baseDir = replay.baseDirectory();
                replay.loadStep(finalStep);
                tests = TestSet.generate(replay.model(), main, micro, config, System.err::println);
            }
            try (PrintWriter w = new PrintWriter(out.resolve("tests.tsv").toFile())) {
                for (TestImage t : tests) w.println(t.kind() + "\t" + t.token() + "\t" + (t.truth() == null ? "" : Arrays.toString(t.truth())) + "\t" + t.name());
            }
            try (PrintWriter w = new PrintWriter(out.resolve("train.tsv").toFile())) {
                for (TrainingItem it : set.items()) w.println(it.id() + "\t" + it.concept());
            }
            if (!Files.exists(out.resolve("losses.bin"))) {
                Retrainer cached = (label, ids) -> lds.resolve(label).resolve("adapter.stw");
                LinearDatamodeling l = LinearDatamodeling.measure(set, tests, 16, config.seed(), baseDir, cached, System.err::println);
                writeMatrix(out.resolve("losses.bin"), l.losses());
                double[][] h = new double[l.halves().length][];
                for (int i = 0; i < h.length; i++) { h[i] = new double[l.halves()[i].length]; for (int j = 0; j < h[i].length; j++) h[i][j] = l.halves()[i][j] ? 1 : 0; }
                writeMatrix(out.resolve("halves.bin"), h);
            }
            try (RunReplay replay = RunReplay.open(store, run, null); StemmaModel model = replay.newModel()) {
                List<String> ids = set.items().stream().map(TrainingItem::id).toList();
                List<String> concepts = set.items().stream().map(TrainingItem::concept).toList();
                float[][] pixels = RunTrainingImages.pixels(RunTrainingImages.datasetSpec(rec.manifest()), ids, model.config().imageChannels());
                writeFloats(out.resolve("train_pixels.f32"), pixels);
                writeFloats(out.resolve("test_pixels.f32"), tests.stream().map(TestImage::pixels).toArray(float[][]::new));
                GradientReplayConfig gc = GradientReplayConfig.defaults().withConditioning(cond).withTimesteps(timesteps, true);
                ReplayedGradients reader = ReplayedGradients.replay(store, run, model, ids, pixels, concepts, gc, System.err::println);
                int P = reader.parameters(), S = reader.checkpoints();
                System.err.println("P=" + P + " slots=" + S + " steps=" + Arrays.toString(reader.checkpointSteps()) + " layout=" + reader.layout());
                try (PrintWriter w = new PrintWriter(out.resolve("layout.txt").toFile())) { w.println(reader.layout()); }
                try (FileChannel ch = FileChannel.open(out.resolve("train_grads.f32"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    // layout [slot][item][P]
                    ByteBuffer buf = ByteBuffer.allocate(P * 4).order(ByteOrder.LITTLE_ENDIAN);
                    reader.forEachGradient((item, slot, g) -> {
                        buf.clear(); buf.asFloatBuffer().put(g);
                        try { ch.write(buf, ((long) slot * ids.size() + item) * P * 4L); } catch (IOException e) { throw new UncheckedIOException(e); }
                    });
                }
                float[][] tp = tests.stream().map(TestImage::pixels).toArray(float[][]::new);
                float[][] tc = new float[tests.size()][];
                for (int i = 0; i < tc.length; i++) tc[i] = prompt ? tests.get(i).condition() : model.nullCondition();
                List<float[][]> qg = reader.gradientsUnder(tp, tc);
                try (FileChannel ch = FileChannel.open(out.resolve("test_grads.f32"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.allocate(P * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (int q = 0; q < qg.size(); q++) for (int s = 0; s < S; s++) { // [query][slot][P]
                        buf.clear(); buf.asFloatBuffer().put(qg.get(q)[s]); ch.write(buf);
                    }
                }
            }
        }
    }

    static void writeFloats(Path p, float[][] m) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (float[] r : m) { ByteBuffer b = ByteBuffer.allocate(r.length * 4).order(ByteOrder.LITTLE_ENDIAN); b.asFloatBuffer().put(r); ch.write(b); }
        }
    }

    static void writeMatrix(Path p, double[][] m) throws IOException {
        try (DataOutputStream d = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p)))) {
            d.writeInt(m.length); d.writeInt(m[0].length);
            for (double[] r : m) for (double v : r) d.writeDouble(v);
        }
    }
}
