package dev.loupe.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrincipalComponentTest {
    @Test
    void findsTheLeadingEigenvectorOfGramMatrices() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {1, 2, 5, 40}) {
            double[][] b = new double[n + 3][n];
            for (double[] row : b) {
                for (int j = 0; j < n; j++) {
                    row[j] = random.nextGaussian();
                }
            }
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (double[] row : b) {
                        a[i][j] += row[i] * row[j];
                    }
                }
            }
            assertLeading(a, PrincipalComponent.leadingEigenvector(a), random);
            assertLeading(a, PrincipalComponent.jacobi(a), random);
        }
    }

    @Test
    void jacobiTakesOverWhenTheLeadingEigenvaluesAreTooCloseForPowerIteration() {
        // eigenvalues 1 and 0.999 along rotated axes, 0.5 on the third: power iteration would need
        // some 20 000 steps to reach its tolerance
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        double[][] q = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
        double[] lambda = {1, 0.999, 0.5};
        double[][] a = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    a[i][j] += q[i][k] * lambda[k] * q[j][k];
                }
            }
        }
        assertEquals(null, PrincipalComponent.powerIteration(a), "power iteration gives up");
        assertLeading(a, PrincipalComponent.leadingEigenvector(a), new SplittableRandom(3));
    }

    @Test
    void jacobiHandlesIndefiniteMatrices() {
        SplittableRandom random = new SplittableRandom(11);
        double[][] a = new double[6][6];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        assertLeading(a, PrincipalComponent.jacobi(a), random);
    }

    /** v is a unit eigenvector whose eigenvalue no Rayleigh quotient exceeds. */
    private static void assertLeading(double[][] a, double[] v, SplittableRandom random) {
        int n = a.length;
        double lambda = rayleigh(a, v);
        double[] av = times(a, v);
        for (int i = 0; i < n; i++) {
            assertEquals(lambda * v[i], av[i], 1e-8 * Math.max(1, Math.abs(lambda)), "A v = λ v");
        }
        for (int trial = 0; trial < 200; trial++) {
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = random.nextGaussian();
            }
            assertTrue(rayleigh(a, u) <= lambda + 1e-9, "λ is the largest eigenvalue");
        }
    }

    @Test
    void projectsOnTheDominantPatternWithItsLargerExtremePositive() {
        // 3 channels × 6 positions: every channel is a multiple of one spatial pattern plus a
        // constant, so the centred data has rank 1 and the projection is the centred pattern
        float[] pattern = {0, 1, 5, 2, 0, 1};
        float[] scale = {1, -2, 0.5f};
        float[] values = new float[18];
        for (int k = 0; k < 3; k++) {
            for (int p = 0; p < 6; p++) {
                values[k * 6 + p] = scale[k] * pattern[p] + k;
            }
        }
        double norm = Math.sqrt(1 + 4 + 0.25);
        for (boolean wide : new boolean[] {false, true}) {
            // wide: more channels than positions, so the position Gram matrix is used
            float[] data = wide ? widen(values) : values;
            int channels = wide ? 9 : 3;
            float[] projection = PrincipalComponent.project(data, 0, channels, 6);
            double factor = wide ? norm * Math.sqrt(3) : norm;
            for (int p = 0; p < 6; p++) {
                assertEquals((pattern[p] - 1.5) * factor, projection[p], 1e-4, "position " + p + ", wide " + wide);
            }
        }
    }

    /** The same data with each channel repeated three times. */
    private static float[] widen(float[] values) {
        float[] out = new float[values.length * 3];
        for (int r = 0; r < 3; r++) {
            System.arraycopy(values, 0, out, r * values.length, values.length);
        }
        return out;
    }

    private static double rayleigh(double[][] a, double[] v) {
        double[] av = times(a, v);
        double num = 0;
        double den = 0;
        for (int i = 0; i < v.length; i++) {
            num += v[i] * av[i];
            den += v[i] * v[i];
        }
        return num / den;
    }

    private static double[] times(double[][] a, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += a[i][j] * v[j];
            }
        }
        return out;
    }
}
