package dev.stemma.analyzer.metrics;

import java.util.Arrays;
import java.util.Set;

/** Metrics of attribution quality; pure functions of their arguments. */
public final class Metrics {

    private Metrics() {
    }

    /** Fraction of rows whose largest entry is at the truth index (ties: the first largest). */
    public static double topOneAccuracy(double[][] shares, int[] truth) {
        if (shares.length != truth.length || shares.length == 0) {
            throw new IllegalArgumentException("Need as many truths as answers, at least one; got " + shares.length + " and " + truth.length);
        }
        int correct = 0;
        for (int r = 0; r < shares.length; r++) {
            correct += argMax(shares[r]) == truth[r] ? 1 : 0;
        }
        return (double) correct / shares.length;
    }

    /** (1 + cos(shares, truth)) / 2, in [0, 1]; 0.5 when either vector is zero. */
    public static double shiftedCosine(double[] shares, double[] truth) {
        checkSameLength(shares, truth);
        double dot = 0;
        double a = 0;
        double b = 0;
        for (int i = 0; i < shares.length; i++) {
            dot += shares[i] * truth[i];
            a += shares[i] * shares[i];
            b += truth[i] * truth[i];
        }
        if (a == 0 || b == 0) {
            return 0.5;
        }
        return (1 + dot / Math.sqrt(a * b)) / 2;
    }

    /** Spearman rank correlation, ties given their average rank; NaN if either side is constant. */
    public static double spearman(double[] x, double[] y) {
        checkSameLength(x, y);
        if (x.length < 2) {
            throw new IllegalArgumentException("Spearman correlation needs at least 2 pairs, got " + x.length);
        }
        return pearson(averageRanks(x), averageRanks(y));
    }

    /** Ranks 1..n with ties given the mean of the ranks they span. */
    public static double[] averageRanks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                ranks[order[t]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    /** Fraction of the relevant items found among the first {@code k} of {@code ranking}. */
    public static double recallAtK(int[] ranking, Set<Integer> relevant, int k) {
        if (relevant.isEmpty()) {
            throw new IllegalArgumentException("Recall needs at least one relevant item");
        }
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        int found = 0;
        for (int r = 0; r < Math.min(k, ranking.length); r++) {
            found += relevant.contains(ranking[r]) ? 1 : 0;
        }
        return (double) found / relevant.size();
    }

    /**
     * Average precision of {@code ranking} for {@code relevant}: the mean, over relevant items,
     * of the precision at the rank where each is found (0 for one never found).
     */
    public static double averagePrecision(int[] ranking, Set<Integer> relevant) {
        if (relevant.isEmpty()) {
            throw new IllegalArgumentException("Average precision needs at least one relevant item");
        }
        int found = 0;
        double sum = 0;
        for (int r = 0; r < ranking.length; r++) {
            if (relevant.contains(ranking[r])) {
                found++;
                sum += (double) found / (r + 1);
            }
        }
        return sum / relevant.size();
    }

    /** Mean of {@link #averagePrecision} over queries. */
    public static double meanAveragePrecision(int[][] rankings, java.util.List<Set<Integer>> relevant) {
        if (rankings.length != relevant.size() || rankings.length == 0) {
            throw new IllegalArgumentException("Need one relevant set per ranking, at least one; got " + rankings.length + " and " + relevant.size());
        }
        double sum = 0;
        for (int q = 0; q < rankings.length; q++) {
            sum += averagePrecision(rankings[q], relevant.get(q));
        }
        return sum / rankings.length;
    }

    static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static void checkSameLength(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Vectors differ in length: " + a.length + " and " + b.length);
        }
    }
}
