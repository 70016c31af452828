package dev.loupe.inspect.actmax;

/**
 * Lucid's diversity term for a group of n images of one unit: the Gram matrix G_i = A_i·A_iᵀ of each
 * image's layer activations A_i [C, P], normalised to unit Frobenius norm (N_i), and
 * <pre>  D = (1/n) Σ_i Σ_{j≠i} ⟨N_i, N_j⟩</pre>
 * the mean cosine similarity of the Gram matrices. The optimiser subtracts weight · D.
 */
final class Diversity {
    private Diversity() {
    }

    /**
     * @param acts the group's activations, each [C·P]
     * @param channels C
     * @param grads receives dD/dA_i, each [C·P]
     * @return D
     */
    static double value(double[][] acts, int channels, double[][] grads) {
        int n = acts.length;
        int p = acts[0].length / channels;
        double[][] normed = new double[n][];
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double[] g = gram(acts[i], channels, p);
            double s = 0;
            for (double v : g) {
                s += v * v;
            }
            norms[i] = Math.max(Math.sqrt(s), 1e-10);
            for (int k = 0; k < g.length; k++) {
                g[k] /= norms[i];
            }
            normed[i] = g;
        }
        double d = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    d += dot(normed[i], normed[j]);
                }
            }
        }
        d /= n;
        for (int i = 0; i < n; i++) {
            // dD/dN_i = (2/n) Σ_{j≠i} N_j; through the normalisation: (Q − N_i ⟨N_i, Q⟩) / |G_i|
            double[] q = new double[channels * channels];
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    for (int k = 0; k < q.length; k++) {
                        q[k] += 2.0 / n * normed[j][k];
                    }
                }
            }
            double nq = dot(normed[i], q);
            for (int k = 0; k < q.length; k++) {
                q[k] = (q[k] - normed[i][k] * nq) / norms[i];
            }
            // G = A·Aᵀ with dD/dG = S symmetric: dD/dA = (S + Sᵀ)·A = 2·S·A
            double[] a = acts[i];
            double[] out = new double[a.length];
            for (int c = 0; c < channels; c++) {
                for (int e = 0; e < channels; e++) {
                    double s = 2 * q[c * channels + e];
                    if (s == 0) {
                        continue;
                    }
                    int ce = e * p;
                    int cc = c * p;
                    for (int t = 0; t < p; t++) {
                        out[cc + t] += s * a[ce + t];
                    }
                }
            }
            grads[i] = out;
        }
        return d;
    }

    private static double[] gram(double[] a, int channels, int p) {
        double[] g = new double[channels * channels];
        for (int c = 0; c < channels; c++) {
            for (int e = c; e < channels; e++) {
                double s = 0;
                for (int t = 0; t < p; t++) {
                    s += a[c * p + t] * a[e * p + t];
                }
                g[c * channels + e] = s;
                g[e * channels + c] = s;
            }
        }
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
