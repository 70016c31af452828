package dev.loupe.method.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SaliencyTest {

    static Attribution run(Explainer method, ExplainableModel model, Tensor inputs, Objective objective,
            Map<String, String> params, int batch) {
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(method.descriptor().id(), method.descriptor().parameters(), params));
        return method.explain(model, inputs, request, new TestContext(batch));
    }

    @Test
    void matchesCaptumOnTheShapesModel() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            // batches of 3: the eight inputs span three batches
            Shapes.assertMatches("saliency", run(new Saliency(), model, x, Shapes.objective(), Map.of(), 3).map());
            Shapes.assertMatches("gradient", run(new Saliency(), model, x, Shapes.objective(), Map.of("abs", "false"), 8).map());
            Shapes.assertMatches("gradient", run(new Gradient(), model, x, Shapes.objective(), Map.of(), 5).map());
        }
    }

    @Test
    void theGradientOfAKnownFunction() {
        // f(x) = [x0·x1, x0 − 2 x1]: ∂f0/∂x = (x1, x0), ∂f1/∂x = (1, −2)
        FunctionModel f = new FunctionModel("product", new long[] {2}, 2, x -> {
            var x0 = x.get(":, 0");
            var x1 = x.get(":, 1");
            return x0.mul(x1).expandDims(1).concat(x0.sub(x1.mul(2)).expandDims(1), 1);
        });
        Tensor x = new Tensor(new float[] {3, -4, 1, 2}, new long[] {2, 2});
        Attribution g = run(new Gradient(), f, x, Objective.logit(0, 1), Map.of(), 1);
        assertArrayEquals(new float[] {-4, 3, 1, -2}, g.map().data(), 1e-6f);
        Attribution s = run(new Saliency(), f, x, Objective.logit(0, 1), Map.of(), 2);
        assertArrayEquals(new float[] {4, 3, 1, 2}, s.map().data(), 1e-6f);
        assertEquals(true, s.parameters().get("abs"));
        assertArrayEquals(new int[] {0, 1}, s.targets());
    }

    @Test
    void aTargetOutsideTheScoresIsAClearError() {
        FunctionModel f = new FunctionModel("identity", new long[] {2}, 2, x -> x);
        LoupeException e = assertThrows(LoupeException.class, () -> run(new Saliency(), f,
                new Tensor(new float[2], new long[] {1, 2}), Objective.logit(5), Map.of(), 4));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
}
