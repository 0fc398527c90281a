package dev.stemma.analyzer.eval;

import dev.stemma.analyzer.TrainingSet;
import dev.stemma.analyzer.metrics.Metrics;
import dev.stemma.trainer.StemmaModel;
import dev.stemma.trainer.model.NoiseSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The counterfactual test of within-concept attribution (the linear datamodeling score, LDS):
 * the customisation is trained again on M random halves of its training images; each test
 * generation's diffusion loss is measured under each retrained model; for one method and one
 * generation, the LDS is the Spearman correlation, across the M halves, between the summed
 * attribution scores of each half's images and minus the generation's loss under the model
 * trained on that half (a method that credits the right images predicts which halves make the
 * generation likely). Halves are drawn within each concept (ceil(n/2) of its n images), so every
 * retrained model still knows every concept and the test measures attribution inside concepts.
 *
 * <p>The measured loss is an estimate: {@link #ceiling} says how far its noise alone bounds any
 * method's LDS, from the agreement of its even and odd noise draws.
 *
 * @param halves      M x n membership of each training image (training-set order) in each half
 * @param evenLosses  M x tests: each test image's loss under each retrained model over the even noise
 *                    draws (NaN for controls)
 * @param oddLosses   the same over the odd noise draws; the loss is the mean of the two
 */
public record LinearDatamodeling(boolean[][] halves, double[][] evenLosses, double[][] oddLosses) {

    /** Diffusion timesteps at which a generation's loss is measured (mean of the squared noise error). */
    static final int[] LOSS_TIMESTEPS = {100, 300, 500, 700, 900};

    /**
     * Noise draws per timestep: 8, so a loss is the mean over 40 (timestep, noise) samples. With one
     * draw (5 samples) a difference between two models' losses on the same generation was too noisy
     * to rank halves by: measured twice with independent noise, the differences between a retrained
     * half and the full run correlated 0.58 across the 112 generations of run eval5; averaged over
     * 20 samples, 0.88 (8 December). The measurement's noise attenuates every method's LDS alike.
     */
    static final int NOISE_DRAWS = 8;

    public LinearDatamodeling {
        if (halves.length < 2 || evenLosses.length != halves.length || oddLosses.length != halves.length) {
            throw new IllegalArgumentException("LDS needs at least 2 retrained halves and one loss row each, got "
                    + halves.length + ", " + evenLosses.length + " and " + oddLosses.length);
        }
    }

    /** Losses measured without noise between draws (both groups the same): a ceiling of 1. */
    public LinearDatamodeling(boolean[][] halves, double[][] losses) {
        this(halves, losses, losses);
    }

    /** Test image {@code test}'s loss under the model retrained on half {@code half}: the mean over every draw. */
    double loss(int half, int test) {
        return (evenLosses[half][test] + oddLosses[half][test]) / 2;
    }

    /** M random halves, within each concept, from {@code seed}. */
    static boolean[][] drawHalves(TrainingSet set, int m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[][] halves = new boolean[m][set.size()];
        for (int h = 0; h < m; h++) {
            for (int c = 0; c < set.concepts().size(); c++) {
                int[] members = set.members(c).clone();
                for (int i = members.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = members[i];
                    members[i] = members[j];
                    members[j] = t;
                }
                for (int k = 0; k < (members.length + 1) / 2; k++) {
                    halves[h][members[k]] = true;
                }
            }
        }
        return halves;
    }

    /**
     * Retrains the run on {@code m} halves and measures every non-control test image's loss under
     * each retrained model (base {@code baseDir}).
     */
    static LinearDatamodeling measure(TrainingSet set, List<TestImage> tests, int m, long seed, Path baseDir,
                                      Retrainer retrainer, Consumer<String> progress) {
        boolean[][] halves = drawHalves(set, m, seed);
        double[][] even = new double[m][];
        double[][] odd = new double[m][];
        for (int h = 0; h < m; h++) {
            String label = String.format("half-%02d", h);
            progress.accept("LDS: retraining on " + label + " (" + (h + 1) + " of " + m + ")");
            Path adapter = retrainer.retrain(label, idsByConcept(set, halves[h]));
            try (StemmaModel model = StemmaModel.open(baseDir, adapter)) {
                double[][] split = losses(model, tests, seed);
                even[h] = split[0];
                odd[h] = split[1];
            }
        }
        return new LinearDatamodeling(halves, even, odd);
    }

    /** The training images of one half, by concept, in training-set order. */
    static Map<String, List<String>> idsByConcept(TrainingSet set, boolean[] half) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String concept : set.concepts()) {
            out.put(concept, new ArrayList<>());
        }
        for (int i = 0; i < set.size(); i++) {
            if (half[i]) {
                out.get(set.item(i).concept()).add(set.item(i).id());
            }
        }
        return out;
    }

    /**
     * Each test image's diffusion loss under {@code model}: mean squared error of the predicted
     * noise over {@link #LOSS_TIMESTEPS} x {@link #NOISE_DRAWS} samples, with noise fixed by the
     * image's index, the sample and {@code seed} (the same for every retrained model), under the
     * conditioning it was generated with; NaN for controls. One batched forward per image. Returns
     * {even, odd}: the means over the even and over the odd draws, whose mean is the loss.
     */
    static double[][] losses(StemmaModel model, List<TestImage> tests, long seed) {
        int samples = LOSS_TIMESTEPS.length * NOISE_DRAWS;
        double[][] out = new double[2][tests.size()];
        for (int i = 0; i < tests.size(); i++) {
            TestImage t = tests.get(i);
            if (t.kind().control()) {
                out[0][i] = Double.NaN;
                out[1][i] = Double.NaN;
                continue;
            }
            float[][] xs = new float[samples][t.pixels().length];
            float[][] noises = new float[samples][];
            int[] timesteps = new int[samples];
            float[][] conditions = new float[samples][];
            for (int k = 0; k < LOSS_TIMESTEPS.length; k++) {
                for (int d = 0; d < NOISE_DRAWS; d++) {
                    int j = k * NOISE_DRAWS + d;
                    timesteps[j] = LOSS_TIMESTEPS[k];
                    // Draw 0 is the noise of the one-draw measurement before 8 December.
                    noises[j] = NoiseSchedule.noise(seed * 1_000_003L + i * 31L + k + d * 7_919L, t.pixels().length);
                    NoiseSchedule.noisy(t.pixels(), noises[j], timesteps[j], xs[j], 0);
                    conditions[j] = t.condition();
                }
            }
            float[][] predicted = model.predictNoise(xs, timesteps, conditions);
            for (int k = 0; k < LOSS_TIMESTEPS.length; k++) {
                for (int d = 0; d < NOISE_DRAWS; d++) {
                    int j = k * NOISE_DRAWS + d;
                    double se = 0;
                    for (int p = 0; p < noises[j].length; p++) {
                        double diff = predicted[j][p] - noises[j][p];
                        se += diff * diff;
                    }
                    // even draws to out[0], odd ones to out[1]; each is the mean of its half of the samples
                    out[d % 2][i] += se / noises[j].length / (samples / 2.0);
                }
            }
        }
        return out;
    }

    /**
     * The LDS of one method on test image {@code test}: Spearman, across halves, of the summed
     * scores of each half's images with minus the image's loss; NaN for controls or when either
     * side is constant.
     */
    double score(int test, float[] imageScores) {
        int m = halves.length;
        double[] predicted = new double[m];
        double[] actual = new double[m];
        for (int h = 0; h < m; h++) {
            if (Double.isNaN(loss(h, test))) {
                return Double.NaN;
            }
            double sum = 0;
            for (int i = 0; i < imageScores.length; i++) {
                if (halves[h][i] && !Float.isNaN(imageScores[i])) {
                    sum += imageScores[i];
                }
            }
            predicted[h] = sum;
            actual[h] = -loss(h, test);
        }
        if (constant(predicted) || constant(actual)) {
            return Double.NaN;
        }
        return Metrics.spearman(predicted, actual);
    }

    /**
     * The highest LDS the loss's measurement noise leaves for test image {@code test}, about: the
     * Spearman r, across halves, between its even-draw and odd-draw losses is the reliability of
     * a measurement of half the draws; Spearman-Brown gives the whole measurement's, 2r / (1 + r);
     * a score that ranked the halves by the noiseless loss would correlate with the measured one by
     * about its square root. 0 when r <= 0; NaN for controls or constant losses. Retraining's own
     * randomness lowers the attainable LDS further; this bounds measurement noise only.
     */
    double ceiling(int test) {
        int m = halves.length;
        double[] even = new double[m];
        double[] odd = new double[m];
        for (int h = 0; h < m; h++) {
            even[h] = evenLosses[h][test];
            odd[h] = oddLosses[h][test];
            if (Double.isNaN(even[h]) || Double.isNaN(odd[h])) {
                return Double.NaN;
            }
        }
        if (constant(even) || constant(odd)) {
            return Double.NaN;
        }
        double r = Metrics.spearman(even, odd);
        return r <= 0 ? 0 : Math.sqrt(2 * r / (1 + r));
    }

    private static boolean constant(double[] v) {
        for (double x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }
}
