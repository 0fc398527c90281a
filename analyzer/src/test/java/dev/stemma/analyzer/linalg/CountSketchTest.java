package dev.stemma.analyzer.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CountSketchTest {

    @Test
    void shouldBeTheIdentityWhenTheWidthCoversTheDimension() {
        CountSketch sketch = CountSketch.of(5, 8, 1);
        assertEquals(5, sketch.width());
        float[] in = {1, -2, 3, -4, 5};
        float[] out = new float[7];
        sketch.project(in, out, 2);
        assertArrayEquals(new float[] {0, 0, 1, -2, 3, -4, 5}, out);
    }

    @Test
    void shouldBeReproducibleFromItsSeedAndLinear() {
        Random random = new Random(3);
        float[] a = gaussian(random, 1000);
        float[] b = gaussian(random, 1000);
        float[] sum = new float[1000];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = a[i] + b[i];
        }
        CountSketch sketch = CountSketch.of(1000, 64, 9);
        float[] sa = new float[64];
        float[] sb = new float[64];
        float[] sSum = new float[64];
        sketch.project(a, sa, 0);
        sketch.project(b, sb, 0);
        sketch.project(sum, sSum, 0);
        for (int j = 0; j < 64; j++) {
            assertEquals(sa[j] + sb[j], sSum[j], 1e-4);
        }
        float[] again = new float[64];
        CountSketch.of(1000, 64, 9).project(a, again, 0);
        assertArrayEquals(sa, again);
        float[] other = new float[64];
        CountSketch.of(1000, 64, 10).project(a, other, 0);
        assertTrue(!java.util.Arrays.equals(sa, other), "another seed, another sketch");
    }

    @Test
    void shouldKeepNormsAndInnerProductsApproximately() {
        Random random = new Random(5);
        int dimension = 20_000;
        int width = 4096;
        CountSketch sketch = CountSketch.of(dimension, width, 11);
        float[] x = gaussian(random, dimension);
        float[] y = gaussian(random, dimension);
        float[] shared = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            shared[i] = 0.6f * x[i] + 0.8f * y[i];
        }
        float[] sx = new float[width];
        float[] sShared = new float[width];
        sketch.project(x, sx, 0);
        sketch.project(shared, sShared, 0);
        double norm = dot(x, x);
        // relative standard deviation of a count-sketch norm is about sqrt(2 / width) = 2.2%
        assertEquals(1.0, dot(sx, sx) / norm, 0.1);
        double cosine = dot(x, shared) / Math.sqrt(dot(x, x) * dot(shared, shared));
        double sketchedCosine = dot(sx, sShared) / Math.sqrt(dot(sx, sx) * dot(sShared, sShared));
        assertEquals(0.6, cosine, 0.02);
        assertEquals(cosine, sketchedCosine, 0.05);
    }

    @Test
    void shouldRejectInputOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CountSketch.of(10, 4, 1).project(new float[9], new float[4], 0));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CountSketch.of(0, 4, 1));
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
