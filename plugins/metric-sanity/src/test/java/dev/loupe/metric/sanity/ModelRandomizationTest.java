package dev.loupe.metric.sanity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.method.gradcam.GradCam;
import dev.loupe.method.saliency.Saliency;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRandomizationTest {
    private final ModelRandomization metric = new ModelRandomization();

    /** Explains the eight shapes inputs with {@code method} and runs the check on the same model. */
    private Metric.Result check(Explainer method, List<String> layers, Map<String, String> params) {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            ExplanationRequest request = new ExplanationRequest(Shapes.objective(), layers,
                    ParameterSpec.resolve(method.descriptor().id(), method.descriptor().parameters(), Map.of()));
            TestContext context = new TestContext(8);
            Attribution a = method.explain(model, x, request, context);
            Map<String, Object> resolved = ParameterSpec.resolve(ModelRandomization.ID,
                    metric.descriptor().parameters(), params);
            return metric.evaluate(new Metric.Input(model, x, a, method, null, resolved), context);
        }
    }

    /**
     * Measured with seed 0: saliency 1, 0.648, 0.147, 0.163, 0.150 and Grad-CAM 1, -0.230, 0.195, 0.116, 0.093
     * (fc, conv3, conv2, conv1 re-drawn in turn); a map that ignored the weights would stay at 1.
     */
    private static void assertDecorrelates(String what, Metric.Result r, double below) {
        List<Double> curve = r.curves().get("spearman");
        System.out.println(what + ": spearman per step " + curve + ", scores " + new java.util.TreeMap<>(r.scores()));
        assertEquals(5, curve.size(), "original + fc, conv3, conv2, conv1");
        assertEquals(1.0, curve.get(0));
        assertEquals(curve.get(4), r.scores().get("score"));
        assertTrue(r.scores().get("score") < below, what + ": fully randomised Spearman " + r.scores().get("score"));
        assertTrue(curve.get(0) - curve.get(4) > 1 - below, what + ": drop " + curve);
        assertEquals(List.of("layer-01-/fc/Gemm", "layer-02-/conv3/Conv", "layer-03-/conv2/Conv",
                "layer-04-/conv1/Conv"), r.scores().keySet().stream().filter(k -> k.startsWith("layer-")).sorted().toList());
        assertEquals(curve.get(1), r.scores().get("layer-01-/fc/Gemm"));
        for (int i = 0; i < 8; i++) {
            List<Double> c = r.curves().get("spearman-input-" + i);
            assertEquals(5, c.size());
            assertEquals(c.get(4), r.scores().get("input-" + i));
        }
    }

    @Test
    void saliencyMapsDecorrelateAsLayersAreRandomised() {
        assertDecorrelates("saliency", check(new Saliency(), List.of(), Map.of()), 0.4);
    }

    @Test
    void gradCamMapsDecorrelateAsLayersAreRandomised() {
        assertDecorrelates("gradcam", check(new GradCam(), List.of(Shapes.LAYER), Map.of()), 0.4);
    }

    @Test
    void theSameSeedGivesTheSameCurve() {
        Map<String, String> p = Map.of("seed", "7", "layers", "/conv3/Conv,/fc/Gemm");
        Metric.Result a = check(new Saliency(), List.of(), p);
        Metric.Result b = check(new Saliency(), List.of(), p);
        assertEquals(a.curves(), b.curves());
        assertEquals(3, a.curves().get("spearman").size());
        assertEquals(List.of("layer-01-/fc/Gemm", "layer-02-/conv3/Conv"),
                a.scores().keySet().stream().filter(k -> k.startsWith("layer-")).sorted().toList());
        Metric.Result other = check(new Saliency(), List.of(), Map.of("seed", "8", "layers", "/conv3/Conv,/fc/Gemm"));
        assertNotEquals(a.curves().get("spearman"), other.curves().get("spearman"));
    }

    @Test
    void signedComparisonIsAnOption() {
        Metric.Result r = check(new Saliency(), List.of(), Map.of("absolute", "false", "layers", "/fc/Gemm"));
        assertEquals(2, r.curves().get("spearman").size());
        assertTrue(r.scores().get("score") < 1);
    }

    @Test
    void layersWithoutWeightsOrUnknownAreRefusedNamingTheParameterisedOnes() {
        LoupeException relu = assertThrows(LoupeException.class,
                () -> check(new Saliency(), List.of(), Map.of("layers", "/relu3/Relu")));
        assertTrue(relu.getMessage().contains("Relu node without weights")
                && relu.getMessage().contains("/conv1/Conv, /conv2/Conv, /conv3/Conv, /fc/Gemm"), relu.getMessage());
        LoupeException unknown = assertThrows(LoupeException.class,
                () -> check(new Saliency(), List.of(), Map.of("layers", "fc9")));
        assertTrue(unknown.getMessage().contains("'fc9' is not a layer"), unknown.getMessage());
    }

    @Test
    void withoutTheMethodOrParametersTheErrorSaysWhatIsMissing() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(1);
            Attribution a = Attribution.of("saliency", x, new ExplanationRequest(Shapes.objective(1), List.of(),
                    Map.of("abs", true)));
            Map<String, Object> p = ParameterSpec.resolve(ModelRandomization.ID, metric.descriptor().parameters(),
                    Map.of());
            LoupeException noMethod = assertThrows(LoupeException.class,
                    () -> metric.evaluate(new Metric.Input(model, x, a, null, null, p), new TestContext(8)));
            assertTrue(noMethod.getMessage().contains("re-runs the method")
                    && noMethod.getMessage().contains("saliency"), noMethod.getMessage());
        }
        FunctionModel f = new FunctionModel("linear", new long[] {2}, 1, v -> v.sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[] {1, 2}, new long[] {1, 2});
        Attribution a = Attribution.of("saliency", x, new ExplanationRequest(dev.loupe.api.Objective.logit(0),
                List.of(), Map.of("abs", true)));
        LoupeException noParams = assertThrows(LoupeException.class, () -> metric.evaluate(
                new Metric.Input(f, x, a, new Saliency(), null, Map.of()), new TestContext(8)));
        assertTrue(noParams.getMessage().contains("needs PARAMETERS")
                && noParams.getMessage().contains("function backend"), noParams.getMessage());
    }

    @Test
    void spearmanAveragesTiedRanks() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Spearman.ranks(new float[] {1, 2, 2, 3}));
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 4.5 / sqrt(22.5)
        assertEquals(4.5 / Math.sqrt(22.5), Spearman.correlation(new float[] {1, 2, 2, 3}, new float[] {1, 3, 2, 4}),
                1e-12);
        assertEquals(-1, Spearman.correlation(new float[] {1, 5, 9}, new float[] {3, 2, 1}), 1e-12);
        assertEquals(0, Spearman.correlation(new float[] {1, 5, 9}, new float[] {0, 0, 0}));
    }

    @Test
    void describesItself() {
        assertEquals("sanity-model-randomization", metric.descriptor().id());
        assertEquals(false, metric.descriptor().higherIsBetter());
        assertEquals(List.of("absolute", "reduction", "layers", "seed"),
                metric.descriptor().parameters().stream().map(ParameterSpec::name).toList());
    }
}
