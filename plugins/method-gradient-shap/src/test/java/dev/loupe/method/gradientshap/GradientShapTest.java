package dev.loupe.method.gradientshap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientShapTest {
    private static final float[] W = {2, -1, 0.5f};
    /** f(x) = w · x + 4: its gradient is w everywhere. */
    private static final FunctionModel LINEAR = new FunctionModel("linear", new long[] {3}, 1,
            x -> x.mul(x.getManager().create(W)).sum(new int[] {1}, true).add(4));

    private final GradientShap shap = new GradientShap();

    private Attribution run(ExplainableModel model, Tensor x, Objective objective, Map<String, String> params, int batch) {
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(GradientShap.ID, shap.descriptor().parameters(), params));
        return shap.explain(model, x, request, new TestContext(batch));
    }

    @Test
    void aLinearModelFromZeroGetsWeightTimesInput() {
        Tensor x = new Tensor(new float[] {1, 2, 3}, new long[] {1, 3});
        Attribution a = run(LINEAR, x, Objective.logit(0), Map.of("baselines", "zero", "samples", "7"), 4);
        assertArrayEquals(new float[] {2, -2, 1.5f}, a.map().data(), 1e-6f);
        assertEquals(0, a.convergenceDelta()[0], 1e-5);
    }

    @Test
    void aLinearModelAgainstADistributionGetsWeightTimesInputLessTheMeanBaseline(@TempDir Path dir) throws Exception {
        Path refs = dir.resolve("refs.npy");
        Npy.write(refs, new Tensor(new float[] {0, 0, 0, 2, 2, 2, -1, 4, 1}, new long[] {3, 3}));
        Tensor x = new Tensor(new float[] {1, 2, 3}, new long[] {1, 3});
        Attribution a = run(LINEAR, x, Objective.logit(0), Map.of("baselines", refs.toString(), "samples", "30000"), 1000);
        // E[b] = (1/3, 2, 1) with 30,000 draws: within a few hundredths
        float[] expected = {2 * (1 - 1f / 3), -1 * (2 - 2), 0.5f * (3 - 1)};
        assertArrayEquals(expected, a.map().data(), 0.05f);
        // completeness holds exactly against the baselines drawn, for a linear model
        assertEquals(0, a.convergenceDelta()[0], 1e-3);
    }

    @Test
    void withOneZeroBaselineItEstimatesIntegratedGradients() {
        try (ExplainableModel model = Shapes.model()) {
            Attribution a = run(model, Shapes.inputs(), Shapes.objective(), Map.of("baselines", "zero", "samples", "200"), 64);
            Tensor ig = Shapes.reference("integrated_gradients");
            for (int i = 0; i < 8; i++) {
                double r = Fixtures.pearson(ig.item(i).data(), a.map().item(i).data());
                assertTrue(r > 0.9, "input " + i + ": correlation with IG " + r);
            }
        }
    }

    @Test
    void noisyDrawsFollowTheSeedNotTheBatches() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Objective o = Shapes.objective(2);
            Map<String, String> p = Map.of("samples", "9", "noise", "0.2", "seed", "5");
            Attribution a = run(model, x, o, p, 4);
            Attribution b = run(model, x, o, p, 18);
            Fixtures.assertClose(a.map().data(), b.map().data(), 1e-6, "batches of 4 vs 18");
            assertArrayEquals(a.convergenceDelta(), b.convergenceDelta(), 1e-5);
        }
    }
}
