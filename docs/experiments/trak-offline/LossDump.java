package dev.stemma.analyzer.eval;

import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.replay.RunReplay;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.trainer.StemmaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch experiment, not part of the build: each test image's LDS loss (LinearDatamodeling.losses, the
 * evaluation's test images regenerated with its seed) under each adapter given. Arguments: STORE RUN OUT ADAPTER...
 */
public class LossDump {
    public static void main(String[] a) throws Exception {
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(Path.of(a[0]))) {
            String run = a[1];
            TrainingSet set = StoredProbeTrajectories.open(store, run, Conditioning.NULL_TOKEN).trainingSet();
            List<String> main = new ArrayList<>();
            List<String> micro = new ArrayList<>();
            for (int c = 0; c < set.concepts().size(); c++) {
                (set.members(c).length > dev.stemma.trainer.data.ConceptFolders.MAX_MICRO_SIZE ? main : micro).add(set.concepts().get(c));
            }
            EvaluationConfig config = EvaluationConfig.defaults();
            List<TestImage> tests;
            Path baseDir;
            try (RunReplay replay = RunReplay.open(store, run, null)) {
                baseDir = replay.baseDirectory();
                replay.loadStep(799);
                tests = TestSet.generate(replay.model(), main, micro, config, System.err::println);
            }
            double[][] losses = new double[a.length - 3][];
            for (int h = 3; h < a.length; h++) {
                try (StemmaModel model = StemmaModel.open(baseDir, Path.of(a[h]))) {
                    losses[h - 3] = LinearDatamodeling.losses(model, tests, config.seed());
                }
                System.err.println("losses under " + a[h]);
            }
            GradDump.writeMatrix(Path.of(a[2]), losses);
        }
    }
}
