package dev.stemma.analyzer.bench;

import dev.stemma.analyzer.linalg.ColumnBlockSource;
import dev.stemma.analyzer.linalg.StepGramSubspaces;
import dev.stemma.analyzer.linalg.Subspace;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seconds and peak heap of the weight-trajectory subspace: synthetic LoRA updates of
 * steps x parameters served as column blocks (one "layer" of {@code blockWidth} parameters at a
 * time, regenerated on each of the two passes, as a store would serve them).
 *
 * <pre>
 * java -cp ... dev.stemma.analyzer.bench.WeightSubspaceBenchmark [steps] [parameters] [rank] [blockWidth]
 * </pre>
 * Defaults: 500 steps x 59,904 parameters (RESEARCH.md's run), rank 16, blocks of 4,096.
 */
public final class WeightSubspaceBenchmark {

    private WeightSubspaceBenchmark() {
    }

    public static void main(String[] args) {
        int[] v = {500, 59_904, 16, 4096};
        for (int i = 0; i < Math.min(args.length, v.length); i++) {
            v[i] = Integer.parseInt(args[i]);
        }
        int steps = v[0];
        int parameters = v[1];
        int rank = v[2];
        int width = v[3];
        ColumnBlockSource source = new ColumnBlockSource() {
            @Override
            public int rows() {
                return steps;
            }

            @Override
            public int columns() {
                return parameters;
            }

            @Override
            public void forEachBlock(BlockVisitor visitor) {
                for (int first = 0; first < parameters; first += width) {
                    int w = Math.min(width, parameters - first);
                    SplittableRandom random = new SplittableRandom(first);
                    float[] values = new float[steps * w];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) random.nextGaussian();
                    }
                    visitor.visit(first, w, values);
                }
            }
        };
        HeapPeaks.reset();
        long start = System.nanoTime();
        Subspace subspace = StepGramSubspaces.build(source, rank);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "{\"steps\":%d,\"parameters\":%d,\"rank\":%d,\"block_width\":%d,\"seconds\":%.2f,\"peak_heap_mib\":%.1f,\"energy_fraction\":%.4f}",
                steps, parameters, subspace.rank(), width, seconds, HeapPeaks.peak() / 1048576.0, subspace.energyFraction()));
    }
}
