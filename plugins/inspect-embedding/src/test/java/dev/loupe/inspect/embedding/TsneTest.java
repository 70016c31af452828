package dev.loupe.inspect.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TsneTest {

    /** Four Gaussian blobs in 10-D, 50 points each, centres 10 apart, unit spread. */
    static double[][] blobs(int perBlob, int[] labels, long seed) {
        Random r = new Random(seed);
        int blobs = 4;
        int d = 10;
        double[][] centres = new double[blobs][d];
        for (int b = 0; b < blobs; b++) {
            centres[b][b] = 10;
            centres[b][b + 4] = -5;
        }
        double[][] x = new double[blobs * perBlob][d];
        for (int i = 0; i < x.length; i++) {
            int b = i % blobs;
            labels[i] = b;
            for (int k = 0; k < d; k++) {
                x[i][k] = centres[b][k] + r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void separatesGaussianBlobsExactAndBarnesHut() {
        int[] labels = new int[200];
        double[][] x = blobs(50, labels, 1);
        for (boolean exact : new boolean[] {true, false}) {
            long t = System.nanoTime();
            Tsne.Result r = Tsne.run(x, Tsne.Options.defaults(30, exact), null);
            double knn = Neighbours.leaveOneOutAccuracy(r.embedding(), labels, 5);
            System.out.printf("blobs, %s: 5-nn %.3f, KL %.3f, %d ms%n", exact ? "exact" : "barnes-hut", knn, r.kl(),
                    (System.nanoTime() - t) / 1_000_000);
            assertTrue(knn >= 0.99, (exact ? "exact" : "barnes-hut") + " 5-nn accuracy " + knn);
            assertEquals(1000, r.iterations());
            assertEquals(50, r.learningRate());
            assertTrue(r.kl() > 0 && r.kl() < 2, "KL " + r.kl());
        }
    }

    @Test
    void exactGradientMatchesFiniteDifferencesOfTheKlDivergence() {
        Random r = new Random(3);
        int n = 9;
        double[][] x = new double[n][3];
        for (double[] row : x) {
            for (int k = 0; k < 3; k++) {
                row[k] = r.nextGaussian();
            }
        }
        double[] p = Tsne.jointDense(x, 2.5);
        double sum = Arrays.stream(p).sum();
        assertEquals(1, sum, 1e-12);
        double[] y = new double[2 * n];
        for (int k = 0; k < y.length; k++) {
            y[k] = r.nextGaussian();
        }
        double[] grad = new double[2 * n];
        Tsne.exactGradient(p, y, grad, n);
        double h = 1e-6;
        for (int k = 0; k < y.length; k++) {
            double[] plus = y.clone();
            double[] minus = y.clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (Tsne.klDense(p, plus, n) - Tsne.klDense(p, minus, n)) / (2 * h);
            assertEquals(numeric, grad[k], 1e-6 + 1e-5 * Math.abs(numeric), "coordinate " + k);
        }
    }

    @Test
    void barnesHutWithThetaZeroIsTheExactGradient() {
        Random r = new Random(5);
        int n = 31;
        double perplexity = 10; // 3·10 + 1 = 31 > N − 1: every other point is a neighbour
        assertEquals(n - 1, Tsne.neighbours(n, perplexity));
        double[][] x = new double[n][4];
        for (double[] row : x) {
            for (int k = 0; k < 4; k++) {
                row[k] = r.nextGaussian();
            }
        }
        double[] dense = Tsne.jointDense(x, perplexity);
        Tsne.Sparse sparse = Tsne.jointSparse(x, perplexity, n - 1);
        for (int i = 0; i < n; i++) {
            assertEquals(n - 1, sparse.rowStart()[i + 1] - sparse.rowStart()[i]);
            for (int t = sparse.rowStart()[i]; t < sparse.rowStart()[i + 1]; t++) {
                assertEquals(dense[i * n + sparse.cols()[t]], sparse.vals()[t], 1e-15);
            }
        }
        double[] y = new double[2 * n];
        for (int k = 0; k < y.length; k++) {
            y[k] = 3 * r.nextGaussian();
        }
        double[] exact = new double[2 * n];
        double[] bh = new double[2 * n];
        Tsne.exactGradient(dense, y, exact, n);
        Tsne.bhGradient(sparse, y, 0, bh);
        assertArrayEquals(exact, bh, 1e-12);
        // theta = 0.5 approximates it
        Tsne.bhGradient(sparse, y, 0.5, bh);
        double err = 0;
        double norm = 0;
        for (int k = 0; k < y.length; k++) {
            err += (bh[k] - exact[k]) * (bh[k] - exact[k]);
            norm += exact[k] * exact[k];
        }
        assertTrue(Math.sqrt(err / norm) < 0.05, "theta 0.5 relative error " + Math.sqrt(err / norm));
        // whole runs agree step by step while rounding differences stay small: with the minimum learning rate
        // of 50 on 31 points the early map is explosive and they grow about tenfold every three steps (1e-17
        // after one step, 4e-8 after twenty), so longer runs are compared gradient by gradient below
        for (int steps : new int[] {1, 5, 20}) {
            Tsne.Result a = Tsne.run(x, Tsne.Options.defaults(perplexity, true).withIterations(steps), null);
            Tsne.Result b = Tsne.run(x, Tsne.Options.defaults(perplexity, false).withTheta(0).withIterations(steps),
                    null);
            double scale = Arrays.stream(a.embedding()).map(Math::abs).max().orElse(1);
            for (int k = 0; k < a.embedding().length; k++) {
                assertEquals(a.embedding()[k], b.embedding()[k], 1e-6 * scale, steps + " steps, coordinate " + k);
            }
            assertEquals(a.kl(), b.kl(), 1e-6 * Math.abs(a.kl()));
        }
        // at every stage of an exact run (exaggerated or not), theta = 0 gives the exact gradient
        for (int steps : new int[] {50, 100, 249, 500, 1000}) {
            double[] at = Tsne.run(x, Tsne.Options.defaults(perplexity, true).withIterations(steps), null).embedding();
            double factor = steps < 250 ? 12 : 1;
            double[] pd = dense.clone();
            double[] ps = sparse.vals().clone();
            for (int k = 0; k < pd.length; k++) {
                pd[k] *= factor;
            }
            for (int k = 0; k < ps.length; k++) {
                ps[k] *= factor;
            }
            Tsne.exactGradient(pd, at, exact, n);
            Tsne.bhGradient(new Tsne.Sparse(n, sparse.rowStart(), sparse.cols(), ps), at, 0, bh);
            double scale = Arrays.stream(exact).map(Math::abs).max().orElse(1);
            assertArrayEquals(exact, bh, 1e-9 * scale, "gradient after " + steps + " steps");
        }
    }

    @Test
    void perplexityCalibrationHitsTheTargetEntropy() {
        Random r = new Random(11);
        for (double scale : new double[] {1e-3, 1, 1e4}) {
            for (double perplexity : new double[] {2, 5, 30}) {
                double[] d = new double[120];
                for (int j = 0; j < d.length; j++) {
                    d[j] = scale * Math.pow(r.nextDouble() * 3, 2);
                }
                double[] p = new double[d.length];
                double beta = Tsne.conditionalRow(d, perplexity, p);
                double entropy = 0;
                double sum = 0;
                for (double v : p) {
                    sum += v;
                    entropy -= v > 0 ? v * Math.log(v) : 0;
                }
                assertEquals(1, sum, 1e-12);
                assertEquals(Math.log(perplexity), entropy, 1e-5, "scale " + scale + ", perplexity " + perplexity);
                assertTrue(beta > 0);
            }
        }
    }

    @Test
    void seedsReproduce() {
        int[] labels = new int[40];
        double[][] x = blobs(10, labels, 2);
        Tsne.Options base = Tsne.Options.defaults(10, true).withIterations(300);
        double[] a = Tsne.run(x, base.withInit(false, 7), null).embedding();
        double[] b = Tsne.run(x, base.withInit(false, 7), null).embedding();
        double[] c = Tsne.run(x, base.withInit(false, 8), null).embedding();
        assertArrayEquals(a, b, 0);
        assertFalse(Arrays.equals(a, c));
        // PCA initialisation does not depend on the seed; Barnes–Hut is deterministic too
        assertArrayEquals(Tsne.run(x, base.withInit(true, 1), null).embedding(),
                Tsne.run(x, base.withInit(true, 2), null).embedding(), 0);
        Tsne.Options bh = Tsne.Options.defaults(10, false).withIterations(300);
        assertArrayEquals(Tsne.run(x, bh, null).embedding(), Tsne.run(x, bh, null).embedding(), 0);
    }

    @Test
    void pcaInitialisationHasTinyFirstCoordinate() {
        int[] labels = new int[40];
        double[][] x = blobs(10, labels, 4);
        double[] y = Tsne.pcaInit(x);
        double mean = 0;
        for (int i = 0; i < 40; i++) {
            mean += y[2 * i];
        }
        mean /= 40;
        double var = 0;
        for (int i = 0; i < 40; i++) {
            var += (y[2 * i] - mean) * (y[2 * i] - mean);
        }
        assertEquals(1e-4, Math.sqrt(var / 40), 1e-10);
    }
}
