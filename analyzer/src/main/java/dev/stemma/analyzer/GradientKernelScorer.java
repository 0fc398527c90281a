package dev.stemma.analyzer;

import dev.stemma.analyzer.linalg.CountSketch;
import dev.stemma.analyzer.linalg.SymmetricEigen;

/**
 * Gradient attribution as TRAK does it (Park et al., ICML 2023): each gradient slot's per-example
 * gradients, count-sketched to a fixed width, form the rows of Phi; a query's scores are the
 * coefficients of the ridge regression of its sketched gradient on the training rows,
 * {@code (Phi Phi^T + lambda I)^-1 Phi phi_q}, which is TRAK's {@code phi_q^T (Phi^T Phi + lambda
 * I)^-1 Phi^T} written in the training images' n x n kernel; summed over slots. Unlike the cosine
 * of {@code tracin}, a training image that only repeats what others already explain gets little.
 * Lambda is {@code ridge} times the slot's mean squared sketched norm.
 *
 * <p>Holds n x slots x width floats (the sketched gradients) and one n x n inverse per slot. The
 * leave-one-out scores that calibration needs come from the same inverse in closed form, not from
 * n refits.
 */
final class GradientKernelScorer implements ImageScorer {

    private final String method;
    private final GradientReader shape;
    private final CountSketch sketch;
    private final int items;
    /** [slot][item * width + j]: each training gradient's sketch. */
    private final float[][] features;
    /** [slot]: (Phi Phi^T + lambda I)^-1, n x n. */
    private final double[][][] inverse;

    private GradientKernelScorer(String method, GradientReader shape, CountSketch sketch, int items, float[][] features,
                                 double[][][] inverse) {
        this.method = method;
        this.shape = shape;
        this.sketch = sketch;
        this.items = items;
        this.features = features;
        this.inverse = inverse;
    }

    /**
     * A sink that sketches each training gradient as it arrives; {@link GradientSink#finish} builds
     * each slot's kernel.
     */
    static GradientSink collect(String method, int items, GradientReader reader, CountSketch sketch, double ridge) {
        if (sketch.dimension() != reader.parameters()) {
            throw new IllegalArgumentException("The sketch takes " + sketch.dimension() + " values, the gradients have "
                    + reader.parameters());
        }
        int width = sketch.width();
        if ((long) items * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(items + " items x " + width
                    + " sketched values do not fit one array; lower the kernel width");
        }
        int slots = reader.checkpoints();
        float[][] features = new float[slots][items * width];
        return new GradientSink() {
            @Override
            public void visit(int item, int slot, float[] gradient) {
                sketch.project(gradient, features[slot], item * width);
            }

            @Override
            public ImageScorer finish() {
                double[][][] inverse = new double[slots][][];
                for (int s = 0; s < slots; s++) {
                    inverse[s] = ridgeInverse(gram(features[s], items, width), ridge);
                }
                return new GradientKernelScorer(method, reader, sketch, items, features, inverse);
            }
        };
    }

    private static double[][] gram(float[] rows, int n, int width) {
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = Vectors.dot(rows, i * width, rows, j * width, width);
                g[i][j] = v;
                g[j][i] = v;
            }
        }
        return g;
    }

    /** (G + lambda I)^-1 with lambda = ridge x mean diagonal, through G's eigen-decomposition; zero for a zero G. */
    private static double[][] ridgeInverse(double[][] g, double ridge) {
        int n = g.length;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += g[i][i];
        }
        double[][] inverse = new double[n][n];
        if (!(trace > 0)) {
            return inverse; // every gradient zero: nothing to regress on, every score 0
        }
        double lambda = ridge * trace / n;
        SymmetricEigen.Result eigen = SymmetricEigen.decompose(g, n);
        for (int e = 0; e < n; e++) {
            double[] v = eigen.vectors()[e];
            double scale = 1 / (Math.max(eigen.values()[e], 0) + lambda);
            for (int i = 0; i < n; i++) {
                double vi = v[i] * scale;
                for (int j = 0; j < n; j++) {
                    inverse[i][j] += vi * v[j];
                }
            }
        }
        return inverse;
    }

    @Override
    public float[] scores(Query query) {
        float[][] gradients = query.requireGradients(method);
        GradientShapes.check(shape, gradients, method);
        int width = sketch.width();
        float[] sketched = new float[width];
        double[] projections = new double[items];
        double[] sum = new double[items];
        for (int s = 0; s < gradients.length; s++) {
            sketch.project(gradients[s], sketched, 0);
            for (int i = 0; i < items; i++) {
                projections[i] = Vectors.dot(features[s], i * width, sketched, 0, width);
            }
            multiplyAdd(inverse[s], projections, sum);
        }
        float[] scores = new float[items];
        for (int i = 0; i < items; i++) {
            scores[i] = (float) sum[i];
        }
        return scores;
    }

    /**
     * Each sampled training item regressed on all the others. With M = (G + lambda I)^-1 and b = G[:, j]
     * the item's kernel column, the coefficients without item j are {@code M b - M[:, j] (M[j, :] b) /
     * M[j][j]} (the inverse of a principal submatrix from the whole inverse); since M (G + lambda I) = I,
     * M b = e_j - lambda M[:, j] and M[j, :] b = 1 - lambda M[j][j], which leaves {@code -M[i][j] /
     * M[j][j]} for every i other than j.
     */
    @Override
    public float[][] scoresOfTrainingItems(int[] sample) {
        float[][] result = new float[sample.length][];
        for (int q = 0; q < sample.length; q++) {
            int j = sample[q];
            double[] sum = new double[items];
            for (double[][] m : inverse) {
                if (m[j][j] > 0) { // zero only for a slot whose gradients are all zero
                    for (int i = 0; i < items; i++) {
                        sum[i] -= m[i][j] / m[j][j];
                    }
                }
            }
            float[] scores = new float[items];
            for (int i = 0; i < items; i++) {
                scores[i] = (float) sum[i];
            }
            scores[j] = Float.NaN;
            result[q] = scores;
        }
        return result;
    }

    private static void multiplyAdd(double[][] m, double[] v, double[] out) {
        for (int i = 0; i < m.length; i++) {
            double[] row = m[i];
            double acc = 0;
            for (int j = 0; j < row.length; j++) {
                acc += row[j] * v[j];
            }
            out[i] += acc;
        }
    }
}
