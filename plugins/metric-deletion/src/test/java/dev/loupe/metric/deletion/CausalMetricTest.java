package dev.loupe.metric.deletion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.Substrate;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.TestContext;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Closed forms on a linear model, descriptors and parameter errors. */
class CausalMetricTest {
    /** Two channels of 3x4 pixels. */
    private static final long[] ITEM = {2, 3, 4};
    private static final int SIZE = 24;
    private static final int PLANE = 12;
    private static final float BIAS = 0.5f;

    private static final float[] W = weights(1);
    private static final float[] X = weights(2);

    private static float[] weights(long seed) {
        Random r = new Random(seed);
        float[] v = new float[SIZE];
        for (int k = 0; k < SIZE; k++) {
            v[k] = (float) r.nextGaussian();
        }
        return v;
    }

    /** f(x) = w · x + 0.5, one class. */
    private static FunctionModel linear() {
        return new FunctionModel("linear", ITEM, 1, x -> x.reshape(x.getShape().get(0), SIZE)
                .matMul(x.getManager().create(W, new Shape(SIZE, 1))).add(BIAS));
    }

    static Metric.Result evaluate(Metric metric, ExplainableModel model, Tensor inputs, Tensor map, int[] targets,
            Map<String, String> params, int batch) {
        Attribution a = new Attribution("test", map, null, targets, Map.of(), List.of(), null, Map.of(), Map.of());
        Map<String, Object> resolved = ParameterSpec.resolve(metric.descriptor().id(),
                metric.descriptor().parameters(), params);
        return metric.evaluate(new Metric.Input(model, inputs, a, null, null, resolved), new TestContext(batch));
    }

    private static Tensor input() {
        return new Tensor(X.clone(), new long[] {1, 2, 3, 4});
    }

    /** The exact contributions w_k x_k, the attribution of a linear model. */
    private static Tensor contributions() {
        float[] c = new float[SIZE];
        for (int k = 0; k < SIZE; k++) {
            c[k] = W[k] * X[k];
        }
        return new Tensor(c, new long[] {1, 2, 3, 4});
    }

    /** Each pixel's contribution, both channels summed. */
    private static double[] pixelContributions() {
        double[] p = new double[PLANE];
        for (int q = 0; q < PLANE; q++) {
            p[q] = (double) W[q] * X[q] + (double) W[PLANE + q] * X[PLANE + q];
        }
        return p;
    }

    /** Pixels by contribution, highest first, written independently of the metric. */
    private static int[] topFirst(double[] pixel) {
        return IntStream.range(0, PLANE).boxed().sorted(Comparator.comparingDouble(q -> -pixel[q]))
                .mapToInt(Integer::intValue).toArray();
    }

    private static double trapezoid(double[] y) {
        double area = 0;
        for (int j = 1; j < y.length; j++) {
            area += (y[j - 1] + y[j]) / 2 / (y.length - 1);
        }
        return area;
    }

    private static void assertCurve(double[] expected, List<Double> actual) {
        assertEquals(expected.length, actual.size(), "points");
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual.get(j), 1e-5, "point " + j);
        }
    }

    @Test
    void deletionOfALinearModelRemovesTheTopContributions() {
        double[] pixel = pixelContributions();
        int[] order = topFirst(pixel);
        double[] expected = new double[PLANE + 1];
        for (int k = 0; k <= PLANE; k++) {
            // with a zero substrate, removing pixel q removes exactly its contribution
            double logit = BIAS;
            for (int r = k; r < PLANE; r++) {
                logit += pixel[order[r]];
            }
            expected[k] = logit;
        }
        Metric.Result r = evaluate(new Deletion(), linear(), input(), contributions(), new int[] {0},
                Map.of("score", "logit", "steps", "12"), 5);
        assertCurve(expected, r.curves().get("input-0"));
        assertEquals(trapezoid(expected), r.scores().get("auc-0"), 1e-5);
        assertEquals(trapezoid(expected), r.scores().get("score"), 1e-5);
        // the curve falls while positive contributions go, then rises as the negative ones go
        assertTrue(expected[0] > expected[3] && expected[PLANE] > expected[PLANE - 3]);
    }

    @Test
    void fewerStepsThanPixelsMoveTheNearestWholeNumber() {
        double[] pixel = pixelContributions();
        int[] order = topFirst(pixel);
        // 5 steps of 12 pixels: 0, 2.4, 4.8, 7.2, 9.6, 12 round to 0, 2, 5, 7, 10, 12
        int[] moved = {0, 2, 5, 7, 10, 12};
        double[] expected = new double[moved.length];
        for (int j = 0; j < moved.length; j++) {
            double logit = BIAS;
            for (int r = moved[j]; r < PLANE; r++) {
                logit += pixel[order[r]];
            }
            expected[j] = logit;
        }
        Metric.Result r = evaluate(new Deletion(), linear(), input(), contributions(), new int[] {0},
                Map.of("score", "logit", "steps", "5"), 4);
        assertCurve(expected, r.curves().get("input-0"));
        assertEquals(trapezoid(expected), r.scores().get("score"), 1e-5);
    }

    @Test
    void insertionFromTheMeanPutsTheTopPixelsBack() {
        double[] mean = new double[2];
        for (int c = 0; c < 2; c++) {
            for (int q = 0; q < PLANE; q++) {
                mean[c] += X[c * PLANE + q] / (double) PLANE;
            }
        }
        int[] order = topFirst(pixelContributions());
        double[] expected = new double[PLANE + 1];
        for (int k = 0; k <= PLANE; k++) {
            double logit = BIAS;
            for (int r = 0; r < PLANE; r++) {
                int q = order[r];
                for (int c = 0; c < 2; c++) {
                    int e = c * PLANE + q;
                    logit += W[e] * (r < k ? X[e] : mean[c]);
                }
            }
            expected[k] = logit;
        }
        Metric.Result r = evaluate(new Insertion(), linear(), input(), contributions(), new int[] {0},
                Map.of("score", "logit", "steps", "12", "substrate", "mean"), 3);
        assertCurve(expected, r.curves().get("input-0"));
        assertEquals(trapezoid(expected), r.scores().get("score"), 1e-5);
    }

    @Test
    void insertionStartsFromRisesOwnBlurByDefault() {
        float[] blurred = new Substrate.RiseBlur().of(input()).data();
        double start = BIAS;
        double gaussianStart = BIAS;
        float[] gaussian = new Substrate.Blur(5).of(input()).data();
        double end = BIAS;
        for (int e = 0; e < SIZE; e++) {
            start += W[e] * blurred[e];
            gaussianStart += W[e] * gaussian[e];
            end += W[e] * X[e];
        }
        Metric.Result r = evaluate(new Insertion(), linear(), input(), contributions(), new int[] {0},
                Map.of("score", "logit", "steps", "12"), 3);
        List<Double> curve = r.curves().get("input-0");
        assertEquals(start, curve.get(0), 1e-5, "the curve starts at the score of RISE's blur of the image");
        assertEquals(end, curve.get(12), 1e-5, "and ends at the image's");
        assertTrue(Math.abs(start - gaussianStart) > 1e-3, "RISE's blur (zero padding) is not the Gaussian substrate");
    }

    @Test
    void tiesGoInPixelOrder() {
        // an all-zero map: pixels leave in index order, so step k removes pixels 0..k-1
        double[] pixel = pixelContributions();
        double[] expected = new double[PLANE + 1];
        for (int k = 0; k <= PLANE; k++) {
            double logit = BIAS;
            for (int q = k; q < PLANE; q++) {
                logit += pixel[q];
            }
            expected[k] = logit;
        }
        Metric.Result r = evaluate(new Deletion(), linear(), input(), Tensor.zeros(1, 1, 3, 4), new int[] {0},
                Map.of("score", "logit", "steps", "12"), 8);
        assertCurve(expected, r.curves().get("input-0"));
    }

    @Test
    void theDefaultScoreIsTheSoftmaxProbabilityOfTheTarget() {
        // two classes: logits (w · x, 0), so p(class 0) = sigmoid(w · x) and p(class 1) = 1 - that
        FunctionModel twoClass = new FunctionModel("two", ITEM, 2, x -> {
            var flat = x.reshape(x.getShape().get(0), SIZE);
            var s = flat.matMul(x.getManager().create(W, new Shape(SIZE, 1)));
            return s.concat(s.zerosLike(), 1);
        });
        double full = 0;
        for (int k = 0; k < SIZE; k++) {
            full += W[k] * X[k];
        }
        double p0 = 1 / (1 + Math.exp(-full));
        Metric.Result r = evaluate(new Deletion(), twoClass, input(), contributions(), new int[] {1},
                Map.of("steps", "4"), 8);
        List<Double> curve = r.curves().get("input-0");
        assertEquals(1 - p0, curve.get(0), 1e-6);
        // all pixels zero: both logits 0
        assertEquals(0.5, curve.get(4), 1e-6);
    }

    @Test
    void descriptorsDifferInDirectionAndDefaultSubstrate() {
        var deletion = new Deletion().descriptor();
        var insertion = new Insertion().descriptor();
        assertEquals("deletion", deletion.id());
        assertEquals("insertion", insertion.id());
        assertFalse(deletion.higherIsBetter());
        assertTrue(insertion.higherIsBetter());
        Map<String, Object> d = ParameterSpec.resolve("deletion", deletion.parameters(), Map.of());
        Map<String, Object> i = ParameterSpec.resolve("insertion", insertion.parameters(), Map.of());
        assertEquals("zero", d.get("substrate"));
        assertEquals("rise-blur", i.get("substrate"));
        assertEquals(100, d.get("steps"));
        assertEquals("probability", d.get("score"));
        assertEquals("sum", d.get("reduction"));
        assertTrue(deletion.citation().contains("Petsiuk") && deletion.citation().contains("2018"));
    }

    @Test
    void unresolvedParametersTakeTheirDefaults() {
        Attribution a = new Attribution("test", contributions(), null, new int[] {0}, Map.of(), List.of(), null,
                Map.of(), Map.of());
        Metric.Result r = new Deletion().evaluate(new Metric.Input(linear(), input(), a, null, null,
                Map.of("steps", 6, "score", "logit")), new TestContext(4));
        assertEquals(7, r.curves().get("input-0").size());
    }

    @Test
    void badInputsAndParametersSayWhatIsWrong() {
        FunctionModel model = linear();
        int[] t = {0};
        LoupeException size = assertThrows(LoupeException.class,
                () -> evaluate(new Deletion(), model, input(), Tensor.zeros(1, 1, 6, 8), t, Map.of(), 4));
        assertTrue(size.getMessage().contains("[1, 1, 6, 8]") && size.getMessage().contains("[1, 2, 3, 4]")
                && size.getMessage().contains("upsample"), size.getMessage());
        LoupeException batch = assertThrows(LoupeException.class,
                () -> evaluate(new Deletion(), model, input(), Tensor.zeros(2, 1, 3, 4), t, Map.of(), 4));
        assertTrue(batch.getMessage().contains("does not match"), batch.getMessage());
        LoupeException substrate = assertThrows(LoupeException.class,
                () -> evaluate(new Insertion(), model, input(), contributions(), t, Map.of("substrate", "grey"), 4));
        assertTrue(substrate.getMessage().contains("zero, rise-blur, blur, mean"), substrate.getMessage());
        LoupeException typed = assertThrows(LoupeException.class, () -> new Deletion().evaluate(new Metric.Input(model,
                input(), new Attribution("test", contributions(), null, t, Map.of(), List.of(), null, Map.of(),
                        Map.of()), null, null, Map.of("substrate", "noise")), new TestContext(4)));
        assertTrue(typed.getMessage().contains("zero, rise-blur, blur, mean"), typed.getMessage());
        LoupeException steps = assertThrows(LoupeException.class,
                () -> evaluate(new Deletion(), model, input(), contributions(), t, Map.of("steps", "0"), 4));
        assertTrue(steps.getMessage().contains("steps"), steps.getMessage());
        LoupeException score = assertThrows(LoupeException.class,
                () -> evaluate(new Deletion(), model, input(), contributions(), t, Map.of("score", "margin"), 4));
        assertTrue(score.getMessage().contains("probability, logit"), score.getMessage());
        LoupeException unknown = assertThrows(LoupeException.class,
                () -> evaluate(new Deletion(), model, input(), contributions(), t, Map.of("baseline", "0"), 4));
        assertTrue(unknown.getMessage().contains("substrate"), unknown.getMessage());
        LoupeException flat = assertThrows(LoupeException.class, () -> evaluate(new Deletion(), model,
                new Tensor(X.clone(), new long[] {1, 24}), contributions(), t, Map.of(), 4));
        assertTrue(flat.getMessage().contains("[N, C, H, W]"), flat.getMessage());
        float[] nan = new float[SIZE];
        Arrays.fill(nan, Float.NaN);
        LoupeException nans = assertThrows(LoupeException.class, () -> evaluate(new Deletion(), model, input(),
                new Tensor(nan, new long[] {1, 2, 3, 4}), t, Map.of(), 4));
        assertTrue(nans.getMessage().contains("NaN"), nans.getMessage());
    }
}
