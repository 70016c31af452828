package dev.loupe.inspect.actmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The hand-written backward passes: every linear map's adjoint satisfies ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ on random
 * arrays, the FFT matches the naive DFT, and the whole parameterisation's backward matches finite
 * differences.
 */
class AdjointTest {
    private static final Random RANDOM = new Random(42);

    private static double[] random(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = RANDOM.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        assertEquals(a.length, b.length, "lengths");
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ to 1e-5, relative to the size of the terms. */
    private static void assertAdjoint(UnaryOperator<double[]> a, UnaryOperator<double[]> at, int in, int out,
            String what) {
        for (int trial = 0; trial < 5; trial++) {
            double[] x = random(in);
            double[] y = random(out);
            double lhs = dot(a.apply(x), y);
            double rhs = dot(x, at.apply(y));
            double scale = Math.max(1, Math.abs(lhs));
            assertTrue(Math.abs(lhs - rhs) <= 1e-5 * scale, what + ": <Ax,y> = " + lhs + " but <x,A'y> = " + rhs);
        }
    }

    @Test
    void fftMatchesTheNaiveDftForEveryLength() {
        for (int n : java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(1, 40),
                java.util.stream.IntStream.of(49, 97, 224, 225, 256)).toArray()) {
            double[] re = random(n);
            double[] im = random(n);
            double[] fr = re.clone();
            double[] fi = im.clone();
            new Fft(n).forward(fr, fi);
            double[] ir = re.clone();
            double[] ii = im.clone();
            new Fft(n).inverse(ir, ii);
            for (int k = 0; k < n; k++) {
                double sr = 0;
                double si = 0;
                double tr = 0;
                double ti = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                    si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
                    tr += re[j] * Math.cos(a) + im[j] * Math.sin(a);
                    ti += -re[j] * Math.sin(a) + im[j] * Math.cos(a);
                }
                assertEquals(sr, fr[k], 1e-9 * n, "forward re, n=" + n);
                assertEquals(si, fi[k], 1e-9 * n, "forward im, n=" + n);
                assertEquals(tr, ir[k], 1e-9 * n, "inverse re, n=" + n);
                assertEquals(ti, ii[k], 1e-9 * n, "inverse im, n=" + n);
            }
        }
    }

    @Test
    void fourierSynthesisAdjointIsItsTranspose() {
        for (int[] hw : new int[][] {{8, 8}, {6, 10}, {7, 5}, {1, 4}, {12, 9}}) {
            FourierBasis b = new FourierBasis(hw[0], hw[1]);
            int n = hw[0] * hw[1];
            assertAdjoint(c -> {
                double[] img = new double[n];
                b.synthesise(c, 0, img, 0);
                return img;
            }, g -> {
                double[] c = new double[b.size()];
                b.adjoint(g, 0, c, 0);
                return c;
            }, b.size(), n, "fourier " + hw[0] + "x" + hw[1]);
        }
    }

    @Test
    void fourierAnalysisInvertsSynthesis() {
        for (int[] hw : new int[][] {{8, 8}, {6, 10}, {7, 5}, {64, 64}}) {
            FourierBasis b = new FourierBasis(hw[0], hw[1]);
            double[] img = random(hw[0] * hw[1]);
            double[] c = new double[b.size()];
            b.analyse(img, 0, c, 0);
            double[] back = new double[img.length];
            b.synthesise(c, 0, back, 0);
            for (int i = 0; i < img.length; i++) {
                assertEquals(img[i], back[i], 1e-9, "pixel " + i + " of " + hw[0] + "x" + hw[1]);
            }
        }
    }

    @Test
    void transformsAdjointIsTheirTranspose() {
        int c = 3;
        int h = 9;
        int w = 11;
        int n = c * h * w;
        Object[][] cases = {
            {0, 0, 1.0, 0.0, "identity"},
            {2, -3, 1.0, 0.0, "jitter (roll)"},
            {0, 0, 0.95, 0.0, "scale down"},
            {0, 0, 1.05, 0.0, "scale up"},
            {0, 0, 1.0, 5.0, "rotate"},
            {1, 4, 1.025, -4.0, "roll, scale and rotate"}};
        for (Object[] k : cases) {
            Transform t = new Transform(c, h, w, (int) k[0], (int) k[1], (double) k[2], (double) k[3], 0.5);
            assertAdjoint(t::linear, t::adjoint, n, n, (String) k[4]);
        }
    }

    @Test
    void rollIsACircularShift() {
        Transform t = new Transform(1, 4, 5, 1, 2, 1.0, 0.0, 0.5);
        double[] in = new double[20];
        for (int i = 0; i < 20; i++) {
            in[i] = i;
        }
        double[] out = t.apply(in);
        // out[y, x] = in[(y - 1) mod 4, (x - 2) mod 5]
        assertEquals(in[3 * 5 + 3], out[0], 0, "wraps around");
        assertEquals(in[0], out[5 + 2], 0, "shifts by (1, 2)");
    }

    @Test
    void colourMixAdjointIsItsTranspose() {
        ImageParameterization p = new ImageParameterization(false, true, 3, 4, 5, 1);
        double[][] m = ImageParameterization.normalisedColor();
        assertAdjoint(x -> p.mixColors(x, m), y -> p.mixColors(y, ImageParameterization.transpose(m)), 60, 60,
                "colour decorrelation");
    }

    @Test
    void parameterisationBackwardMatchesFiniteDifferences() {
        for (boolean fourier : new boolean[] {true, false}) {
            for (boolean decorrelate : new boolean[] {true, false}) {
                ImageParameterization p = new ImageParameterization(fourier, decorrelate, 3, 6, 7, 1.0);
                double[] theta = p.random(new Random(3), 0.3);
                double[] r = random(3 * 6 * 7);
                double[] grad = p.backward(p.render(theta), r);
                double eps = 1e-6;
                for (int trial = 0; trial < 40; trial++) {
                    int i = RANDOM.nextInt(theta.length);
                    double[] plus = theta.clone();
                    double[] minus = theta.clone();
                    plus[i] += eps;
                    minus[i] -= eps;
                    double fd = (dot(p.render(plus), r) - dot(p.render(minus), r)) / (2 * eps);
                    assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)),
                            (fourier ? "fourier" : "pixel") + (decorrelate ? "+decorrelate" : "") + " parameter " + i);
                }
            }
        }
    }

    @Test
    void fromImageInvertsRender() {
        for (boolean fourier : new boolean[] {true, false}) {
            ImageParameterization p = new ImageParameterization(fourier, true, 3, 8, 6, 1.0);
            double[] image = new double[3 * 8 * 6];
            for (int i = 0; i < image.length; i++) {
                image[i] = 0.05 + 0.9 * RANDOM.nextDouble();
            }
            double[] back = p.render(p.fromImage(image));
            for (int i = 0; i < image.length; i++) {
                assertEquals(image[i], back[i], 1e-9, (fourier ? "fourier" : "pixel") + " pixel " + i);
            }
        }
    }

    @Test
    void diversityGradientMatchesFiniteDifferences() {
        int n = 3;
        int channels = 4;
        int positions = 5;
        double[][] acts = new double[n][];
        for (int i = 0; i < n; i++) {
            acts[i] = random(channels * positions);
        }
        double[][] grads = new double[n][];
        Diversity.value(acts, channels, grads);
        double eps = 1e-6;
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < acts[i].length; q++) {
                double keep = acts[i][q];
                acts[i][q] = keep + eps;
                double plus = Diversity.value(acts, channels, new double[n][]);
                acts[i][q] = keep - eps;
                double minus = Diversity.value(acts, channels, new double[n][]);
                acts[i][q] = keep;
                assertEquals((plus - minus) / (2 * eps), grads[i][q], 1e-6, "image " + i + " value " + q);
            }
        }
    }

    @Test
    void diversityOfIdenticalImagesIsMaximal() {
        double[] a = random(12);
        double d = Diversity.value(new double[][] {a, a.clone()}, 3, new double[2][]);
        assertEquals(1.0, d, 1e-12, "two identical images: (1/2)(1 + 1)");
    }
}
