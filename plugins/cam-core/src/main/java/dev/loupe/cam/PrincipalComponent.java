package dev.loupe.cam;

/**
 * The projection of a layer's positions on their first principal component, as EigenCAM computes
 * it: the C×(H·W) values are taken as H·W samples of C features, centred per channel, and each
 * position is projected on the first right singular vector. The singular vector's sign is
 * arbitrary; it is chosen so that the larger extreme of the projection is positive (the sign
 * correction of Chung &amp; Ying 2025, Seg-Eigen-CAM, Eq. 13), which points the map at what
 * dominates the activations.
 */
public final class PrincipalComponent {
    private static final int MAX_SWEEPS = 100;

    private PrincipalComponent() {
    }

    /**
     * @param values C channels of {@code plane} values each, from {@code offset} on
     * @param offset where the first channel starts
     * @param channels C
     * @param plane H·W
     * @return the projection of each position, [H·W]
     */
    public static float[] project(float[] values, int offset, int channels, int plane) {
        double[][] x = new double[plane][channels];
        for (int k = 0; k < channels; k++) {
            double mean = 0;
            for (int p = 0; p < plane; p++) {
                mean += values[offset + k * plane + p];
            }
            mean /= plane;
            for (int p = 0; p < plane; p++) {
                x[p][k] = values[offset + k * plane + p] - mean;
            }
        }
        double[] projection = new double[plane];
        if (channels <= plane) {
            // first eigenvector v of XᵀX (C×C); projection = X v
            double[] v = leadingEigenvector(gram(x, plane, channels, true));
            for (int p = 0; p < plane; p++) {
                double s = 0;
                for (int k = 0; k < channels; k++) {
                    s += x[p][k] * v[k];
                }
                projection[p] = s;
            }
        } else {
            // first eigenvector u of XXᵀ (H·W × H·W) with eigenvalue σ²; X v = σ u
            double[][] g = gram(x, plane, channels, false);
            double[] u = leadingEigenvector(g);
            double lambda = 0;
            for (int i = 0; i < plane; i++) {
                double gu = 0;
                for (int j = 0; j < plane; j++) {
                    gu += g[i][j] * u[j];
                }
                lambda += u[i] * gu;
            }
            double sigma = Math.sqrt(Math.max(lambda, 0));
            for (int p = 0; p < plane; p++) {
                projection[p] = sigma * u[p];
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double p : projection) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        float sign = Math.abs(min) > Math.abs(max) ? -1f : 1f;
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            out[p] = sign * (float) projection[p];
        }
        return out;
    }

    /** XᵀX (features) or XXᵀ (samples) of the samples×features matrix x. */
    private static double[][] gram(double[][] x, int samples, int features, boolean overFeatures) {
        int size = overFeatures ? features : samples;
        double[][] g = new double[size][size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                if (overFeatures) {
                    for (int p = 0; p < samples; p++) {
                        s += x[p][i] * x[p][j];
                    }
                } else {
                    for (int k = 0; k < features; k++) {
                        s += x[i][k] * x[j][k];
                    }
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        return g;
    }

    /**
     * The unit eigenvector of the largest eigenvalue of a symmetric matrix, by cyclic Jacobi
     * rotations (exact to rounding, whatever the gap between the leading eigenvalues).
     */
    static double[] leadingEigenvector(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = symmetric[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * Math.max(diag, Double.MIN_NORMAL)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[i][i] > a[best][best]) {
                best = i;
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[i][best];
        }
        return out;
    }

    /** One Jacobi rotation that zeroes a[p][q]; accumulates the rotation into v's columns. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
