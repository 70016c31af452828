package dev.loupe.method.inputxgradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputXGradientTest {

    @Test
    void matchesCaptumOnTheShapesModel() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor map = new InputXGradient().explain(model, Shapes.inputs(),
                    new ExplanationRequest(Shapes.objective(), List.of(), Map.of()), new TestContext(4)).map();
            Shapes.assertMatches("input_x_gradient", map);
        }
    }

    @Test
    void isTheExactContributionForALinearModelWithoutBias() {
        // f(x) = w · x: each term w_j x_j is element j's contribution
        float[] w = {2, -1, 0.5f};
        FunctionModel f = new FunctionModel("linear", new long[] {3}, 1,
                x -> x.mul(x.getManager().create(w)).sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[] {1, 2, 3}, new long[] {1, 3});
        Tensor map = new InputXGradient().explain(f, x, new ExplanationRequest(Objective.logit(0), List.of(), Map.of()),
                new TestContext(1)).map();
        assertArrayEquals(new float[] {2, -2, 1.5f}, map.data(), 1e-6f);
    }
}
