package dev.loupe.method.lime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnxruntime.OnnxRuntimeBackend;
import dev.loupe.perturbation.FeatureMask;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LimeTest {
    private final Lime lime = new Lime();

    private Attribution run(ExplainableModel model, Tensor x, Objective o, Map<String, String> params, int batch) {
        ExplanationRequest request = new ExplanationRequest(o, List.of(),
                ParameterSpec.resolve(Lime.ID, lime.descriptor().parameters(), params));
        return lime.explain(model, x, request, new TestContext(batch));
    }

    private static final int C = 2;
    private static final int H = 12;
    private static final int W = 16;
    private static final int SIZE = C * H * W;

    /** A linear model y = Σ v·x (class 0) and y = −Σ v·x (class 1). */
    private static FunctionModel linear(float[] v) {
        return new FunctionModel("linear", new long[] {C, H, W}, 2, x -> {
            NDArray s = x.reshape(x.getShape().get(0), SIZE).mul(x.getManager().create(v)).sum(new int[] {1}, true);
            return s.concat(s.neg(), 1);
        });
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /**
     * With a zero baseline a sample of a linear model scores Σ_g z_g · c_g, where z_g is feature g's
     * on/off and c_g = Σ_{k in g} v_k x_k is its contribution: LIME's surrogate, fitted with a tiny
     * penalty, must return exactly those contributions (whatever the kernel weights), and the
     * intercept is the score of the all-off sample, 0.
     */
    @Test
    void onALinearModelTheCoefficientsAreTheFeaturesContributions() {
        float[] v = random(SIZE, 1);
        float[] x = random(2 * SIZE, 2);
        Tensor inputs = new Tensor(x, new long[] {2, C, H, W});
        for (String mask : new String[] {"grid:4", "superpixels:10"}) {
            Attribution a = run(linear(v), inputs, Objective.logit(0, 1),
                    Map.of("mask", mask, "samples", "400", "alpha", "1e-7"), 64);
            assertArrayEquals(inputs.shape(), a.map().shape());
            List<FeatureMask> masks = Lime.masks(mask, inputs, 10);
            for (int i = 0; i < 2; i++) {
                FeatureMask m = masks.get(i);
                double sign = i == 0 ? 1 : -1;
                for (int g = 0; g < m.features(); g++) {
                    double c = 0;
                    for (int k : m.elements(g)) {
                        c += sign * v[k] * x[i * SIZE + k];
                    }
                    int k0 = m.elements(g)[0];
                    assertEquals(c, a.map().data()[i * SIZE + k0], 1e-4 * Math.max(1, Math.abs(c)),
                            mask + ": input " + i + ", feature " + g);
                }
                assertEquals(0, (Double) ((List<?>) a.details().get("intercept")).get(i), 1e-4, mask);
                assertEquals(1, (Double) ((List<?>) a.details().get("surrogate-r2")).get(i), 1e-9, mask);
            }
            assertEquals(12, ((List<?>) a.details().get("features")).get(0), "grid:4 makes 3 x 4 cells");
        }
    }

    @Test
    void topKKeepsTheKLargestContributionsOnly() {
        float[] v = random(SIZE, 4);
        float[] x = random(SIZE, 5);
        Tensor inputs = new Tensor(x, new long[] {1, C, H, W});
        Attribution all = run(linear(v), inputs, Objective.logit(0), Map.of("mask", "grid:4", "alpha", "1e-7"), 64);
        Attribution top = run(linear(v), inputs, Objective.logit(0),
                Map.of("mask", "grid:4", "alpha", "1e-7", "top-k", "3"), 64);
        FeatureMask m = Lime.masks("grid:4", inputs, 10).get(0);
        double[] full = new double[m.features()];
        for (int g = 0; g < full.length; g++) {
            full[g] = all.map().data()[m.elements(g)[0]];
        }
        boolean[] expected = Lime.largest(full, 3);
        for (int g = 0; g < full.length; g++) {
            float kept = top.map().data()[m.elements(g)[0]];
            assertEquals(expected[g], kept != 0, "feature " + g);
        }
    }

    /** The kernel is Captum's: exp(−d²/(2w²)) with d the cosine distance between input and sample. */
    @Test
    void theKernelWeighsByCosineDistanceToTheInput() {
        Tensor inputs = new Tensor(random(SIZE, 6), new long[] {1, C, H, W});
        FeatureMask m = Lime.masks("grid:6", inputs, 10).get(0);
        float[] base = random(SIZE, 7);
        boolean[][] on = new boolean[3][m.features()];
        on[1][0] = true;
        java.util.Arrays.fill(on[2], true);
        double[] w = Lime.kernel(m, inputs.data(), base, 0, on, 0.75);
        for (int s = 0; s < 3; s++) {
            float[] sample = new float[SIZE];
            m.compose(inputs.data(), 0, base, 0, on[s], sample, 0);
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int k = 0; k < SIZE; k++) {
                dot += inputs.data()[k] * sample[k];
                a += inputs.data()[k] * inputs.data()[k];
                b += sample[k] * sample[k];
            }
            double d = 1 - dot / Math.sqrt(a * b);
            assertEquals(Math.exp(-d * d / (2 * 0.75 * 0.75)), w[s], 1e-7, "sample " + s);
        }
        assertEquals(1, w[2], 1e-12, "the input itself has weight 1");
    }

    @Test
    void theBatchPlanDoesNotChangeTheMap() {
        try (ExplainableModel model = Shapes.model()) {
            Map<String, String> p = Map.of("samples", "120", "seed", "4");
            Tensor small = run(model, Shapes.inputs(3), Shapes.objective(3), p, 3).map();
            Tensor large = run(model, Shapes.inputs(3), Shapes.objective(3), p, 32).map();
            Fixtures.assertClose(large, small, 1e-6, "batch 3 against batch 32");
        }
    }

    /**
     * On the shapes network LIME's superpixel weights concentrate on the object: the map's mean over the
     * object's pixels exceeds its mean over the background by 0.4 of the map's range on at least 7
     * of the 8 images.
     */
    @Test
    void onTheShapesNetworkTheMapLiesOnTheObject() {
        Attribution a = Shapes.explain(lime, List.of(), Map.of(), 64);
        Tensor masks = Fixtures.npy(Shapes.file("masks.npy"));
        int hits = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            // the map is the same on every channel: read the first
            float[] map = java.util.Arrays.copyOf(a.map().item(i).data(), 64 * 64);
            double contrast = Shapes.objectContrast(map, masks.item(i).data());
            report.append(String.format(" %.2f", contrast));
            hits += contrast > 0.4 ? 1 : 0;
        }
        assertTrue(hits >= 7, "object-background contrast per image:" + report);
    }

    /** ONNX Runtime offers forward passes only, and that is all LIME needs: the same map as on the ONNX backend. */
    @Test
    void runsOnTheForwardOnlyOnnxRuntimeBackend() {
        Map<String, String> p = Map.of("samples", "200", "seed", "9");
        Tensor reference;
        try (ExplainableModel model = Shapes.model()) {
            reference = run(model, Shapes.inputs(2), Shapes.objective(2), p, 64).map();
        }
        try (ExplainableModel ort = new OnnxRuntimeBackend().load(ModelSource.of(Shapes.file("model.onnx")))) {
            assertEquals(Set.of(Capability.FORWARD), ort.capabilities());
            Tensor got = run(ort, Shapes.inputs(2), Shapes.objective(2), p, 64).map();
            Fixtures.assertClose(reference, got, 1e-3, "ONNX Runtime against the ONNX backend");
        }
    }

    @Test
    void refusesSuperpixelsOfNonImagesAndBadForms() {
        FunctionModel flat = new FunctionModel("flat", new long[] {4}, 1, x -> x.sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[4], new long[] {1, 4});
        LoupeException e = assertThrows(LoupeException.class, () -> run(flat, x, Objective.logit(0), Map.of(), 8));
        assertTrue(e.getMessage().contains("[N, C, H, W]"), e.getMessage());
        Map<String, String> bad = new HashMap<>();
        bad.put("mask", "superpixels:many");
        Tensor img = new Tensor(new float[SIZE], new long[] {1, C, H, W});
        e = assertThrows(LoupeException.class, () -> run(linear(new float[SIZE]), img, Objective.logit(0), bad, 8));
        assertTrue(e.getMessage().contains("superpixels:N"), e.getMessage());
    }
}
