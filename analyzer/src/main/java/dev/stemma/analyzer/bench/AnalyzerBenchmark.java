package dev.stemma.analyzer.bench;

import dev.stemma.analyzer.Analyzer;
import dev.stemma.analyzer.Attribution;
import dev.stemma.analyzer.Query;
import dev.stemma.analyzer.RepresentationConfig;
import dev.stemma.analyzer.Trajectory;
import dev.stemma.analyzer.linalg.GramAccumulator;
import dev.stemma.analyzer.linalg.Subspace;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The analyzer's latency and memory bars on synthetic trajectories streamed item by item.
 *
 * <pre>
 * java -cp ... dev.stemma.analyzer.bench.AnalyzerBenchmark [items] [steps] [dim] [rank] [queries] [subspace-only]
 * </pre>
 * Defaults: 1,000 items x 500 steps x d = 128, rank 16, 50 timed queries. Prints one JSON
 * object: the seconds to build the subspace alone and the full index (trajectory cosine and its
 * random control, calibration included), the peak heap of each phase, and per-query latency of
 * {@code trajectory-cosine} (wall median, p95, max, and the median CPU time of the querying
 * thread, which other jobs on shared cores do not inflate) once the index is built, and the heap still in
 * use after a full GC once the analyzer is built (what it retains). Peaks are sums of the heap
 * pools' peaks, garbage included: an upper bound; run under a small -Xmx to prove a bound.
 */
public final class AnalyzerBenchmark {

    /** Sizes of one benchmark run. */
    public record Settings(int items, int steps, int dimension, int rank, int queries, boolean subspaceOnly) {
        public Settings {
            if (items < 16 || steps < 2 || dimension < 1 || rank < 1 || queries < 1) {
                throw new IllegalArgumentException("Need items >= 16, steps >= 2, dimension, rank and queries >= 1");
            }
        }
    }

    /** What one run measured. */
    public record Result(Settings settings, double subspaceSeconds, long subspacePeakHeapBytes, double energyFraction,
                         double indexSeconds, long indexPeakHeapBytes, long retainedHeapBytes, double medianQueryMillis, double p95QueryMillis,
                         double maxQueryMillis, double medianQueryCpuMillis, double topOneAccuracy,
                         double conceptSubspaceMedianMillis) {

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"items\":%d,\"steps\":%d,\"dim\":%d,\"rank\":%d,\"queries\":%d,"
                            + "\"subspace_seconds\":%.3f,\"subspace_peak_heap_mib\":%.1f,\"energy_fraction\":%.4f,"
                            + "\"index_seconds\":%.3f,\"index_peak_heap_mib\":%.1f,\"retained_heap_after_build_mib\":%.1f,"
                            + "\"query_ms_median\":%.2f,\"query_ms_p95\":%.2f,\"query_ms_max\":%.2f,\"query_cpu_ms_median\":%.2f,\"top1\":%.3f,"
                            + "\"concept_subspace_query_ms_median\":%.2f,\"max_heap_mib\":%.0f}",
                    settings.items(), settings.steps(), settings.dimension(), settings.rank(), settings.queries(),
                    subspaceSeconds, subspacePeakHeapBytes / 1048576.0, energyFraction, indexSeconds,
                    indexPeakHeapBytes / 1048576.0, retainedHeapBytes / 1048576.0, medianQueryMillis, p95QueryMillis, maxQueryMillis, medianQueryCpuMillis, topOneAccuracy,
                    conceptSubspaceMedianMillis, Runtime.getRuntime().maxMemory() / 1048576.0);
        }
    }

    private AnalyzerBenchmark() {
    }

    public static void main(String[] args) {
        int[] v = {1000, 500, 128, 16, 50};
        for (int i = 0; i < Math.min(args.length, v.length); i++) {
            v[i] = Integer.parseInt(args[i]);
        }
        boolean subspaceOnly = args.length > 5 && args[5].equals("subspace-only");
        // steps counts recorded increments: one more record than that is streamed per item.
        System.out.println(run(new Settings(v[0], v[1], v[2], v[3], v[4], subspaceOnly)).toJson());
    }

    /** Runs both phases and the timed queries. */
    public static Result run(Settings settings) {
        SyntheticTrajectories reader = new SyntheticTrajectories(settings.items(), settings.steps() + 1, settings.dimension(), 7);

        HeapPeaks.reset();
        long t0 = System.nanoTime();
        Subspace subspace;
        try (GramAccumulator gram = new GramAccumulator(settings.dimension())) {
            float[] increment = new float[settings.dimension()];
            reader.forEachItem((item, trajectory) -> {
                float[][] values = trajectory.values()[0];
                for (int s = 1; s < values.length; s++) {
                    for (int i = 0; i < increment.length; i++) {
                        increment[i] = values[s][i] - values[0][i];
                    }
                    gram.add(increment);
                }
            });
            subspace = gram.subspace(settings.rank());
        }
        double subspaceSeconds = (System.nanoTime() - t0) / 1e9;
        long subspacePeak = HeapPeaks.peak();
        if (settings.subspaceOnly()) {
            return new Result(settings, subspaceSeconds, subspacePeak, subspace.energyFraction(), Double.NaN, 0, 0,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }

        HeapPeaks.reset();
        long t1 = System.nanoTime();
        Analyzer analyzer = Analyzer.builder("benchmark", reader.trainingSet())
                .representationTrajectories(reader, RepresentationConfig.defaults().withRank(settings.rank()))
                .build();
        double indexSeconds = (System.nanoTime() - t1) / 1e9;
        System.gc();
        long retained = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();

        int warmup = 10;
        double[] millis = new double[settings.queries()];
        double[] cpuMillis = new double[settings.queries()];
        double[] conceptMillis = new double[settings.queries()];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int correct = 0;
        for (int q = -warmup; q < settings.queries(); q++) {
            int concept = Math.floorMod(q, 8);
            Trajectory trajectory = reader.query(concept, 1_000_000L + q);
            Query query = Query.empty().withTrajectory(trajectory);
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            Attribution attribution = analyzer.attribute(Analyzer.TRAJECTORY_COSINE, query);
            long elapsed = System.nanoTime() - start;
            long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            long conceptStart = System.nanoTime();
            analyzer.attribute(Analyzer.CONCEPT_SUBSPACE, query);
            long conceptElapsed = System.nanoTime() - conceptStart;
            if (q >= 0) {
                conceptMillis[q] = conceptElapsed / 1e6;
                millis[q] = elapsed / 1e6;
                cpuMillis[q] = cpu / 1e6;
                correct += attribution.topConcept().equals("concept-" + concept) ? 1 : 0;
            }
        }
        long indexPeak = HeapPeaks.peak();
        Arrays.sort(millis);
        Arrays.sort(cpuMillis);
        Arrays.sort(conceptMillis);
        return new Result(settings, subspaceSeconds, subspacePeak, subspace.energyFraction(), indexSeconds, indexPeak, retained,
                millis[millis.length / 2], millis[(int) Math.min(millis.length - 1, Math.ceil(0.95 * millis.length) - 1)],
                millis[millis.length - 1], cpuMillis[cpuMillis.length / 2], (double) correct / settings.queries(),
                conceptMillis[conceptMillis.length / 2]);
    }
}
