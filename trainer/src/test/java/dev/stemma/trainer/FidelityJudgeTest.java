package dev.stemma.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.trainer.data.Datasets;
import dev.stemma.trainer.data.ImageDataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge trained for a few epochs on two classes of the shipped subset: its classes and its penultimate features. */
class FidelityJudgeTest {

    private static ImageDataset data;
    private static FidelityJudge judge;

    @BeforeAll
    static void train() {
        data = Datasets.select(Datasets.open(TinyBase.SUBSET), TinyBase.CLASSES, 100);
        judge = FidelityJudge.train(data, 8, 5, line -> { });
    }

    @Test
    void separatesTwoEasyClassesAfterAFewEpochs() {
        double trouser = judge.accuracyPerClass(data).get("Trouser");
        double sandal = judge.accuracyPerClass(data).get("Sandal");
        assertTrue(trouser > 0.9 && sandal > 0.9, "Trouser " + trouser + ", Sandal " + sandal);
    }

    @Test
    void featuresArePenultimateReluValuesThatTellTheClassesApart() {
        float[][] images = {data.pixels(0), data.pixels(0), firstOfOtherClass()};
        float[][] features = judge.features(images);
        assertEquals(FidelityJudge.FEATURES, features[0].length);
        assertArrayEquals(features[0], features[1]);
        for (float v : features[2]) {
            assertTrue(v >= 0, "a ReLU output is never negative: " + v);
        }
        assertTrue(distance(features[0], features[2]) > 0, "images of two classes have the same features");
    }

    @Test
    void savedAndLoadedJudgeGivesTheSameFeatures(@TempDir Path dir) throws Exception {
        judge.save(dir, dev.stemma.trainer.ModelFiles.JSON.createObjectNode());
        float[][] images = {data.pixels(3), firstOfOtherClass()};
        try (FidelityJudge loaded = FidelityJudge.load(dir)) {
            assertEquals(List.of("Trouser", "Sandal"), loaded.classes());
            float[][] before = judge.features(images);
            float[][] after = loaded.features(images);
            for (int i = 0; i < images.length; i++) {
                assertArrayEquals(before[i], after[i], 1e-6f);
            }
        }
    }

    @Test
    void refusesAnImageOfAnotherSizeNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> judge.features(new float[][] {new float[32 * 32 * 3]}));
        assertTrue(e.getMessage().contains("3072") && e.getMessage().contains("784"), e.getMessage());
    }

    private static float[] firstOfOtherClass() {
        int label = data.label(0);
        for (int i = 0; i < data.size(); i++) {
            if (data.label(i) != label) {
                return data.pixels(i);
            }
        }
        throw new IllegalStateException("one class only");
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }
}
