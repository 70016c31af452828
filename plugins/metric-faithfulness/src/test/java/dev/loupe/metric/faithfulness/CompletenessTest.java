package dev.loupe.metric.faithfulness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Metric;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.method.integratedgradients.IntegratedGradients;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletenessTest {
    private final Completeness metric = new Completeness();
    private final Linear linear = new Linear();

    @Test
    void theExactContributionsOfALinearModelAreComplete() {
        // f(x) − f(x′) = Σ_j w_j (x_j − x′_j)
        Attribution exact = linear.attribution("exact",
                linear.map((i, j) -> linear.weight(i, j) * (linear.x(i, j) - 0.5f)));
        Metric.Result r = linear.evaluate(metric, exact, null, Map.of("baseline", "0.5"), 2);
        assertTrue(r.scores().get("score") < 1e-5, r.scores().toString());
        assertTrue(r.scores().get("relative") < 1e-5, r.scores().toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, r.scores().get("delta-" + i), 1e-5);
        }
        // against the zero baseline the same map misses exactly Σ_j w_j · 0.5
        Metric.Result zero = linear.evaluate(metric, exact, null, Map.of(), 2);
        for (int i = 0; i < 3; i++) {
            double missing = 0;
            for (int j = 0; j < Linear.SIZE; j++) {
                missing += linear.weight(i, j) * 0.5;
            }
            assertEquals(-missing, zero.scores().get("delta-" + i), 1e-5);
        }
    }

    @Test
    void aMapTwiceTooLargeMissesByTheWholeGap() {
        Attribution doubled = linear.attribution("doubled", linear.map((i, j) -> 2 * linear.weight(i, j) * linear.x(i, j)));
        Metric.Result r = linear.evaluate(metric, doubled, null, Map.of(), 3);
        double meanGap = 0;
        for (int i = 0; i < 3; i++) {
            double gap = 0;
            for (int j = 0; j < Linear.SIZE; j++) {
                gap += (double) linear.weight(i, j) * linear.x(i, j);
            }
            assertEquals(gap, r.scores().get("gap-" + i), 1e-5);
            assertEquals(gap, r.scores().get("delta-" + i), 1e-5);
            meanGap += Math.abs(gap) / 3;
        }
        assertEquals(meanGap, r.scores().get("score"), 1e-5);
        assertEquals(1, r.scores().get("relative"), 1e-5);
        assertFalse(metric.descriptor().higherIsBetter());
    }

    @Test
    void agreesWithTheConvergenceDeltaOfIntegratedGradientsOnTheShapesModel() {
        IntegratedGradients ig = new IntegratedGradients();
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            TestContext context = new TestContext(16);
            Attribution a = ig.explain(model, x, new ExplanationRequest(Shapes.objective(), List.of(),
                    ParameterSpec.resolve(ig.descriptor().id(), ig.descriptor().parameters(), Map.of())), context);
            Metric.Result r = metric.evaluate(new Metric.Input(model, x, a, ig, null, Map.of("baseline", 0.0)),
                    context);
            for (int i = 0; i < 8; i++) {
                assertEquals(a.convergenceDelta()[i], r.scores().get("delta-" + i),
                        1e-5 * Math.abs(r.scores().get("gap-" + i)) + 1e-5, "input " + i);
            }
            System.out.println("completeness of IG (50 Gauss-Legendre steps) on shapes: " + r.scores().get("score")
                    + ", relative " + r.scores().get("relative"));
            assertTrue(r.scores().get("relative") < 0.05, r.scores().toString());
        }
    }

    /** An attribution of the probability is judged on the probability, as the metric input says. */
    @Test
    void scoresTheObjectiveTheAttributionExplains() {
        IntegratedGradients ig = new IntegratedGradients();
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            TestContext context = new TestContext(16);
            Objective probability = Objective.probability(Shapes.labels());
            Attribution a = ig.explain(model, x, new ExplanationRequest(probability, List.of(),
                    ParameterSpec.resolve(ig.descriptor().id(), ig.descriptor().parameters(), Map.of())), context);
            Metric.Result r = metric.evaluate(new Metric.Input(model, x, a, ig, null, Map.of("baseline", 0.0),
                    probability), context);
            Metric.Result asLogit = metric.evaluate(new Metric.Input(model, x, a, ig, null, Map.of("baseline", 0.0)),
                    context);
            for (int i = 0; i < 8; i++) {
                assertEquals(a.convergenceDelta()[i], r.scores().get("delta-" + i), 1e-4, "input " + i);
                assertTrue(Math.abs(r.scores().get("gap-" + i)) <= 1, "a probability moves by at most 1");
            }
            assertTrue(asLogit.scores().get("score") > 10 * r.scores().get("score"),
                    "read as logits, the same map is far from complete: " + asLogit.scores());
        }
    }
}
