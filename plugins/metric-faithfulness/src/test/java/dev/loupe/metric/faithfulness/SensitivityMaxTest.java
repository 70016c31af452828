package dev.loupe.metric.faithfulness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.method.saliency.Saliency;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SensitivityMaxTest {
    private final SensitivityMax metric = new SensitivityMax();
    private final Linear linear = new Linear();

    private Metric.Result inputTimesGradient(Linear.InputTimesGradient method, Map<String, String> params) {
        Attribution a = method.explain(linear.model, linear.inputs,
                new ExplanationRequest(Objective.logit(linear.targets), List.of(), Map.of()), new TestContext(8));
        return linear.evaluate(metric, a, method, params, 8);
    }

    @Test
    void aMapThatIgnoresTheInputHasNoSensitivity() {
        Linear.Fixed fixed = new Linear.Fixed(q -> q % 5 - 2);
        Attribution a = fixed.explain(linear.model, linear.inputs,
                new ExplanationRequest(Objective.logit(linear.targets), List.of(), Map.of()), new TestContext(8));
        Metric.Result r = linear.evaluate(metric, a, fixed, Map.of(), 8);
        assertEquals(0.0, r.scores().get("score"));
        assertEquals(0.0, r.scores().get("input-2"));
    }

    @Test
    void gradientTimesInputOfALinearModelStaysWithinItsBounds() {
        // Φ(x + δ) − Φ(x) = w ⊙ δ with |δ_j| ≤ r: its norm is at most r‖w‖, and about r‖w‖/√3 on average
        Linear.InputTimesGradient method = new Linear.InputTimesGradient();
        Metric.Result raw = inputTimesGradient(method, Map.of("normalize", "false", "radius", "0.05"));
        assertEquals(List.of(3, 30), method.batches, "the inputs, then all 3 × 10 perturbed copies in one run");
        Metric.Result wider = inputTimesGradient(new Linear.InputTimesGradient(),
                Map.of("normalize", "false", "radius", "0.1"));
        Metric.Result relative = inputTimesGradient(new Linear.InputTimesGradient(), Map.of("radius", "0.05"));
        for (int i = 0; i < 3; i++) {
            double s = raw.scores().get("input-" + i);
            double bound = 0.05 * Math.sqrt(linear.weightNormSquared(i));
            System.out.println("sensitivity-max of input×gradient, input " + i + ": " + s + ", bound r‖w‖ " + bound);
            assertTrue(s <= bound * (1 + 1e-4) && s >= 0.5 * bound / Math.sqrt(3), s + " vs bound " + bound);
            // δ scales with the radius on the same draws
            assertEquals(2 * s, wider.scores().get("input-" + i), 1e-3 * s);
            double mapNorm = 0;
            for (int j = 0; j < Linear.SIZE; j++) {
                double v = linear.weight(i, j) * linear.x(i, j);
                mapNorm += v * v;
            }
            assertEquals(s / Math.sqrt(mapNorm), relative.scores().get("input-" + i), 1e-6 * s / Math.sqrt(mapNorm));
        }
    }

    @Test
    void saliencyOnTheShapesModelIsStableButNotConstant() {
        Saliency saliency = new Saliency();
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            TestContext context = new TestContext(32);
            Attribution a = saliency.explain(model, x, new ExplanationRequest(Shapes.objective(), List.of(),
                    ParameterSpec.resolve(Saliency.ID, saliency.descriptor().parameters(), Map.of())), context);
            Map<String, Object> p = ParameterSpec.resolve(SensitivityMax.ID, metric.descriptor().parameters(), Map.of());
            Metric.Result r = metric.evaluate(new Metric.Input(model, x, a, saliency, null, p), context);
            System.out.println("sensitivity-max of saliency on shapes (radius 0.02, 10 samples): "
                    + new TreeMap<>(r.scores()));
            for (int i = 0; i < 8; i++) {
                double s = r.scores().get("input-" + i);
                assertTrue(s > 0 && s < 1, "input " + i + ": " + s);
            }
        }
    }

    @Test
    void seedsReproduce() {
        Map<String, String> p = Map.of("seed", "9", "samples", "4");
        Metric.Result a = inputTimesGradient(new Linear.InputTimesGradient(), p);
        Metric.Result b = inputTimesGradient(new Linear.InputTimesGradient(), p);
        assertEquals(a.scores(), b.scores());
        assertNotEquals(a.scores(), inputTimesGradient(new Linear.InputTimesGradient(), Map.of("seed", "10",
                "samples", "4")).scores());
    }

    @Test
    void withoutTheMethodTheErrorSaysItReRunsIt() {
        Attribution a = linear.attribution("saliency", linear.map((i, j) -> 1));
        LoupeException e = assertThrows(LoupeException.class, () -> linear.evaluate(metric, a, null, Map.of(), 8));
        assertTrue(e.getMessage().contains("re-runs the method") && e.getMessage().contains("saliency"),
                e.getMessage());
    }
}
