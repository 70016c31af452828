package dev.loupe.metric.faithfulness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.method.saliency.Gradient;
import dev.loupe.method.saliency.Saliency;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfidelityTest {
    private final Infidelity metric = new Infidelity();
    private final Linear linear = new Linear();

    private Metric.Result scaled(float c, Map<String, String> params) {
        return linear.evaluate(metric, linear.attribution("scaled", linear.map((i, j) -> c * linear.weight(i, j))),
                null, params, 7);
    }

    @Test
    void theGradientOfALinearModelHasNoInfidelity() {
        // f(x) − f(x − I) = Iᵀw exactly; only float rounding of the logits remains
        Metric.Result r = scaled(1, Map.of());
        System.out.println("infidelity of w on the linear model: " + r.scores());
        assertTrue(r.scores().get("score") < 1e-10, r.scores().toString());
    }

    @Test
    void aScaledMapMissesByTheClosedForm() {
        // Φ = c·w: (Iᵀcw − Iᵀw)² = (c − 1)² (Iᵀw)², and the zero map's infidelity is E[(Iᵀw)²] on the same draws
        Map<String, String> p = Map.of("samples", "4000", "sigma", "0.1", "seed", "3");
        Metric.Result zero = scaled(0, p);
        Metric.Result three = scaled(3, p);
        for (int i = 0; i < 3; i++) {
            double z = zero.scores().get("input-" + i);
            assertEquals(4 * z, three.scores().get("input-" + i), 1e-4 * z);
            // E[(Iᵀw)²] = σ²‖w‖²; 4000 draws of a χ²₁ mean are within 10% (4.5 standard deviations)
            assertEquals(0.01 * linear.weightNormSquared(i), z, 0.1 * 0.01 * linear.weightNormSquared(i));
        }
    }

    @Test
    void normalizeForgivesTheScale() {
        Metric.Result r = scaled(3, Map.of("normalize", "true"));
        assertTrue(r.scores().get("score") < 1e-10, r.scores().toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0 / 3, r.scores().get("beta-" + i), 1e-5);
        }
        assertTrue(scaled(3, Map.of()).scores().get("score") > 1e-5);
    }

    @Test
    void mapsWithTheInputFactorAreJudgedWithMultiplyByInputs() {
        Attribution a = linear.attribution("w-times-x",
                linear.map((i, j) -> linear.weight(i, j) * (linear.x(i, j) - 0.25f)));
        Metric.Result r = linear.evaluate(metric, a, null, Map.of("multiply-by-inputs", "true", "baseline", "0.25"),
                4);
        assertTrue(r.scores().get("score") < 1e-10, r.scores().toString());
        assertTrue(linear.evaluate(metric, a, null, Map.of(), 4).scores().get("score") > 1e-5);
    }

    @Test
    void seedsReproduceWhateverTheBatches() {
        Map<String, String> p = Map.of("seed", "5");
        Metric.Result a = scaled(2, p);
        Metric.Result b = linear.evaluate(metric, linear.attribution("scaled",
                linear.map((i, j) -> 2 * linear.weight(i, j))), null, p, 1);
        for (String k : a.scores().keySet()) {
            assertEquals(a.scores().get(k), b.scores().get(k), 1e-12 + 1e-6 * a.scores().get(k), k);
        }
        assertNotEquals(a.scores().get("score"), scaled(2, Map.of("seed", "6")).scores().get("score"));
    }

    @Test
    void aMapOfAnotherShapeIsRefused() {
        Attribution a = linear.attribution("reduced", new Tensor(new float[3 * 16], new long[] {3, 1, 4, 4}));
        LoupeException e = assertThrows(LoupeException.class, () -> linear.evaluate(metric, a, null, Map.of(), 4));
        assertTrue(e.getMessage().contains("[3, 3, 4, 4]") && e.getMessage().contains("[3, 1, 4, 4]"), e.getMessage());
    }

    @Test
    void onASmoothModelTheGradientIsFaithfulToFirstOrderAndItsMagnitudeIsNot() {
        // f_c(x) = 3 tanh(w_c · x / √48): the signed gradient leaves only the second-order remainder
        float[] wt = new float[Linear.SIZE * Linear.CLASSES];
        for (int q = 0; q < wt.length; q++) {
            wt[q] = (float) (linear.w[q] / Math.sqrt(Linear.SIZE));
        }
        FunctionModel smooth = new FunctionModel("smooth", Linear.ITEM, Linear.CLASSES, v -> v
                .reshape(v.getShape().get(0), Linear.SIZE)
                .matMul(v.getManager().create(wt, new Shape(Linear.SIZE, Linear.CLASSES))).tanh().mul(3));
        double gradient = infidelity(smooth, linear.inputs, Objective.logit(linear.targets), new Gradient());
        double magnitude = infidelity(smooth, linear.inputs, Objective.logit(linear.targets), new Saliency());
        System.out.println("infidelity on the smooth model: gradient " + gradient + ", |gradient| " + magnitude);
        assertTrue(gradient < 1e-3 * magnitude, gradient + " vs " + magnitude);
    }

    @Test
    void onTheShapesModelNormalizedInfidelityIgnoresTheMapsScale() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            Explainer gradient = new Gradient();
            TestContext context = new TestContext(64);
            Attribution a = gradient.explain(model, x, new ExplanationRequest(Shapes.objective(), List.of(),
                    ParameterSpec.resolve(gradient.descriptor().id(), gradient.descriptor().parameters(), Map.of())),
                    context);
            float[] tripled = a.map().data().clone();
            for (int q = 0; q < tripled.length; q++) {
                tripled[q] *= 3;
            }
            Attribution b = Attribution.of("tripled", new Tensor(tripled, x.shape()), new ExplanationRequest(
                    Shapes.objective(), List.of(), Map.of()));
            Map<String, Object> plain = ParameterSpec.resolve(Infidelity.ID, metric.descriptor().parameters(), Map.of());
            Map<String, Object> normalized = ParameterSpec.resolve(Infidelity.ID, metric.descriptor().parameters(),
                    Map.of("normalize", "true"));
            double g = score(model, x, a, plain, context);
            double g3 = score(model, x, b, plain, context);
            double gn = score(model, x, a, normalized, context);
            double g3n = score(model, x, b, normalized, context);
            System.out.println("infidelity of the gradient on shapes (sigma 0.003, 32 samples): " + g + ", tripled " + g3
                    + ", normalized " + gn + ", tripled and normalized " + g3n);
            assertEquals(gn, g3n, 1e-6 * gn);
            assertTrue(gn <= g && g3 > g, g + " " + g3 + " " + gn);
        }
    }

    private double score(ExplainableModel model, Tensor x, Attribution a, Map<String, Object> p, TestContext context) {
        return metric.evaluate(new Metric.Input(model, x, a, null, null, p), context).scores().get("score");
    }

    private double infidelity(ExplainableModel model, Tensor x, Objective objective, Explainer method) {
        TestContext context = new TestContext(64);
        Attribution a = method.explain(model, x, new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(method.descriptor().id(), method.descriptor().parameters(), Map.of())), context);
        Map<String, Object> p = ParameterSpec.resolve(Infidelity.ID, metric.descriptor().parameters(), Map.of());
        return metric.evaluate(new Metric.Input(model, x, a, method, null, p), context).scores().get("score");
    }
}
