package dev.loupe.inspect.embedding;

/**
 * How well a map keeps classes apart: the leave-one-out accuracy of a k-nearest-neighbour vote in
 * the map (Euclidean). Each point is classified by the majority label of its k nearest other points;
 * a tie goes to the tied label whose nearest member is closest.
 */
final class Neighbours {
    private Neighbours() {
    }

    /**
     * @param y the map [N·2], row-major
     * @param labels N labels
     * @param k neighbours per vote (at most N − 1 are used)
     * @return the fraction of points whose vote matches their label
     */
    static double leaveOneOutAccuracy(double[] y, int[] labels, int k) {
        int n = labels.length;
        int kk = Math.min(k, n - 1);
        if (kk < 1) {
            return Double.NaN;
        }
        int maxLabel = 0;
        for (int l : labels) {
            maxLabel = Math.max(maxLabel, l);
        }
        int correct = 0;
        int[] nearest = new int[kk];
        double[] nearestD = new double[kk];
        for (int i = 0; i < n; i++) {
            int found = 0;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double d0 = y[2 * i] - y[2 * j];
                double d1 = y[2 * i + 1] - y[2 * j + 1];
                double d = d0 * d0 + d1 * d1;
                if (found < kk || d < nearestD[found - 1]) {
                    int p = found < kk ? found++ : kk - 1;
                    while (p > 0 && nearestD[p - 1] > d) {
                        nearestD[p] = nearestD[p - 1];
                        nearest[p] = nearest[p - 1];
                        p--;
                    }
                    nearestD[p] = d;
                    nearest[p] = j;
                }
            }
            int[] votes = new int[maxLabel + 1];
            int best = -1;
            for (int t = 0; t < kk; t++) {
                votes[labels[nearest[t]]]++;
            }
            // nearest first: on a tie, the label met first wins
            for (int t = 0; t < kk; t++) {
                int l = labels[nearest[t]];
                if (best < 0 || votes[l] > votes[best]) {
                    best = l;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return (double) correct / n;
    }
}
