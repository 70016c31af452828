package dev.loupe.cam;

import java.util.SplittableRandom;

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
        // f[k] is channel k's map, centred: the columns of the positions × channels matrix X
        double[][] f = new double[channels][plane];
        for (int k = 0; k < channels; k++) {
            double mean = 0;
            for (int p = 0; p < plane; p++) {
                mean += values[offset + k * plane + p];
            }
            mean /= plane;
            for (int p = 0; p < plane; p++) {
                f[k][p] = values[offset + k * plane + p] - mean;
            }
        }
        double[] projection = new double[plane];
        if (channels <= plane) {
            // first eigenvector v of XᵀX (C×C); projection = X v
            double[][] g = new double[channels][channels];
            for (int i = 0; i < channels; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int p = 0; p < plane; p++) {
                        s += f[i][p] * f[j][p];
                    }
                    g[i][j] = s;
                    g[j][i] = s;
                }
            }
            double[] v = leadingEigenvector(g);
            for (int k = 0; k < channels; k++) {
                for (int p = 0; p < plane; p++) {
                    projection[p] += f[k][p] * v[k];
                }
            }
        } else {
            // first eigenvector u of XXᵀ (H·W × H·W) with eigenvalue σ²; X v = σ u
            double[][] g = new double[plane][plane];
            for (int k = 0; k < channels; k++) {
                double[] fk = f[k];
                for (int p = 0; p < plane; p++) {
                    double fp = fk[p];
                    double[] row = g[p];
                    for (int q = 0; q <= p; q++) {
                        row[q] += fp * fk[q];
                    }
                }
            }
            for (int p = 0; p < plane; p++) {
                for (int q = 0; q < p; q++) {
                    g[q][p] = g[p][q];
                }
            }
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

    /**
     * The unit eigenvector of the largest eigenvalue of a symmetric positive semi-definite matrix
     * (a Gram matrix). Power iteration finds it in a few dozen steps when the leading eigenvalue
     * stands out, as it does for feature maps; when it does not converge to a residual of
     * {@value #POWER_TOLERANCE}·λ, cyclic Jacobi rotations give it exactly, whatever the gap.
     */
    static double[] leadingEigenvector(double[][] symmetric) {
        double[] v = powerIteration(symmetric);
        return v != null ? v : jacobi(symmetric);
    }

    /** Relative residual |Av − λv| / λ at which power iteration has converged. */
    private static final double POWER_TOLERANCE = 1e-9;
    private static final int POWER_STEPS = 500;
    private static final long START_SEED = 0x5EED;

    /** @return the leading unit eigenvector, or null if power iteration did not converge */
    static double[] powerIteration(double[][] a) {
        int n = a.length;
        // a fixed pseudo-random start has a component along the leading eigenvector (a start built
        // from the matrix itself could miss it when that eigenvector is orthogonal to the start)
        SplittableRandom random = new SplittableRandom(START_SEED);
        double[] start = new double[n];
        for (int i = 0; i < n; i++) {
            start[i] = random.nextDouble(-1, 1);
        }
        double[] v = normalised(start);
        if (v == null) {
            return null;
        }
        double[] av = new double[n];
        for (int step = 0; step < POWER_STEPS; step++) {
            times(a, v, av);
            double lambda = 0;
            for (int i = 0; i < n; i++) {
                lambda += v[i] * av[i];
            }
            double residual = 0;
            for (int i = 0; i < n; i++) {
                double r = av[i] - lambda * v[i];
                residual += r * r;
            }
            if (lambda > 0 && Math.sqrt(residual) <= POWER_TOLERANCE * lambda) {
                return v;
            }
            v = normalised(av.clone());
            if (v == null) {
                return null;
            }
        }
        return null;
    }

    private static void times(double[][] a, double[] v, double[] out) {
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            double[] row = a[i];
            for (int j = 0; j < v.length; j++) {
                s += row[j] * v[j];
            }
            out[i] = s;
        }
    }

    private static double[] normalised(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        if (!(norm > 0)) {
            return null;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return v;
    }

    /** The leading unit eigenvector by cyclic Jacobi rotations (exact to rounding). */
    static double[] jacobi(double[][] symmetric) {
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
