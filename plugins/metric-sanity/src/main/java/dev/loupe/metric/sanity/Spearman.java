package dev.loupe.metric.sanity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Spearman rank correlation with average ranks for ties (as scipy.stats.spearmanr). */
final class Spearman {
    private Spearman() {
    }

    /**
     * @param a values
     * @param b values, as many as {@code a}
     * @return the Pearson correlation of their ranks; 0 when either is constant (its ranks carry no
     *     order, e.g. a ReLU'd CAM that is zero everywhere)
     */
    static double correlation(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        return pearson(ranks(a), ranks(b));
    }

    /** @return 1-based ranks; tied values share the mean of the ranks they span */
    static double[] ranks(float[] v) {
        int n = v.length;
        int[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> v[i]))
                .mapToInt(Integer::intValue).toArray();
        double[] r = new double[n];
        for (int start = 0; start < n;) {
            int end = start + 1;
            while (end < n && Float.compare(v[order[end]], v[order[start]]) == 0) {
                end++;
            }
            double mean = (start + 1 + end) / 2.0;
            for (int k = start; k < end; k++) {
                r[order[k]] = mean;
            }
            start = end;
        }
        return r;
    }

    private static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }
}
