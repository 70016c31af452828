package dev.loupe.method.integratedgradients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegratedGradientsTest {
    private final IntegratedGradients ig = new IntegratedGradients();

    private Attribution run(ExplainableModel model, Tensor x, Objective objective, Map<String, String> params, int batch) {
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(IntegratedGradients.ID, ig.descriptor().parameters(), params));
        return ig.explain(model, x, request, new TestContext(batch));
    }

    @Test
    void matchesCaptumGaussLegendreAndItsDelta() {
        try (ExplainableModel model = Shapes.model()) {
            Attribution a = run(model, Shapes.inputs(), Shapes.objective(), Map.of(), 32);
            Shapes.assertMatches("integrated_gradients", a.map());
            float[] delta = new float[8];
            for (int i = 0; i < 8; i++) {
                delta[i] = (float) a.convergenceDelta()[i];
            }
            Shapes.assertMatches("integrated_gradients_delta", new Tensor(delta, new long[] {8}));
        }
    }

    @Test
    void matchesCaptumTrapezoid() {
        try (ExplainableModel model = Shapes.model()) {
            Attribution a = run(model, Shapes.inputs(), Shapes.objective(),
                    Map.of("steps", "32", "method", "riemann_trapezoid"), 50);
            Shapes.assertMatches("integrated_gradients_trapezoid32", a.map());
        }
    }

    @Test
    void batchingDoesNotChangeTheResult() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(3);
            Objective o = Shapes.objective(3);
            Map<String, String> p = Map.of("steps", "20");
            Attribution one = run(model, x, o, p, 1);
            for (int batch : new int[] {7, 60}) {
                // sums run in step order whatever the batches; libtorch's convolutions may round the
                // last bit of a sample's gradient differently at another batch size, nothing more
                Attribution other = run(model, x, o, p, batch);
                Fixtures.assertClose(one.map().data(), other.map().data(), 1e-6, "batches of " + batch);
                // the delta subtracts two scores of about 6: its rounding is that of the scores
                assertArrayEquals(one.convergenceDelta(), other.convergenceDelta(), 1e-5, "delta, batches of " + batch);
            }
        }
    }

    @Test
    void completenessTheDeltaVanishesAsStepsGrow() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Objective o = Shapes.objective(2);
            double previous = Double.MAX_VALUE;
            for (int steps : new int[] {2, 8, 32, 128}) {
                Attribution a = run(model, x, o, Map.of("steps", String.valueOf(steps)), 64);
                double worst = Arrays.stream(a.convergenceDelta()).map(Math::abs).max().orElseThrow();
                assertTrue(worst < previous, steps + " steps: |delta| " + worst + " does not fall below " + previous);
                previous = worst;
            }
            Tensor logits = model.predict(x);
            double gap = Math.abs(logits.data()[Shapes.labels()[0]]);
            assertTrue(previous < 0.01 * gap, "|delta| " + previous + " after 128 steps vs score " + gap);
        }
    }

    @Test
    void sensitivityTheSeedExample() {
        // f(x) = 1 − ReLU(1 − x) at x = 2 from the baseline 0: f changes by 1, yet ∂f/∂x = 0 at x = 2
        FunctionModel f = new FunctionModel("sensitivity", new long[] {1}, 1,
                x -> x.getManager().ones(new Shape(1)).sub(x.getManager().ones(new Shape(1)).sub(x).maximum(0)));
        Tensor x = new Tensor(new float[] {2}, new long[] {1, 1});
        try (NDManager m = f.newManager()) {
            NDArray g = f.pass(PassRequest.inputGradient(m.create(x.data(), new Shape(1, 1)), Objective.logit(0)))
                    .inputGradient();
            assertEquals(0f, g.getFloat(0, 0), 0f, "the gradient misses the input's effect");
        }
        Attribution a = run(f, x, Objective.logit(0), Map.of(), 16);
        assertEquals(1.0, a.map().data()[0], 1e-6, "IG gives the whole change to x");
        assertEquals(0.0, a.convergenceDelta()[0], 1e-6);
    }

    @Test
    void linearityOfCombinedNetworks() {
        float[] w1 = {0.5f, -1, 2, 0.3f};
        float[] w2 = {-0.7f, 0.2f, 1, 1.5f};
        UnaryOperator<NDArray> f1 = x -> x.mul(x.getManager().create(w1)).sum(new int[] {1}, true).tanh();
        UnaryOperator<NDArray> f2 = x -> x.mul(x.getManager().create(w2)).maximum(0).pow(2).sum(new int[] {1}, true);
        FunctionModel m1 = new FunctionModel("f1", new long[] {4}, 1, f1);
        FunctionModel m2 = new FunctionModel("f2", new long[] {4}, 1, f2);
        FunctionModel m3 = new FunctionModel("2 f1 + 3 f2", new long[] {4}, 1, x -> f1.apply(x).mul(2).add(f2.apply(x).mul(3)));
        Tensor x = new Tensor(new float[] {1, 0.5f, -0.25f, 2, -1, 1, 0.5f, 0.1f}, new long[] {2, 4});
        Objective o = Objective.logit(0, 0);
        float[] a1 = run(m1, x, o, Map.of(), 8).map().data();
        float[] a2 = run(m2, x, o, Map.of(), 8).map().data();
        float[] a3 = run(m3, x, o, Map.of(), 8).map().data();
        for (int p = 0; p < a3.length; p++) {
            assertEquals(2 * a1[p] + 3 * a2[p], a3[p], 1e-5, "element " + p);
        }
    }

    @Test
    void everyBaselineKindRunsAndTheInputAsBaselineGivesZero(@TempDir Path dir) throws Exception {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Objective o = Shapes.objective(2);
            for (String b : List.of("black", "uniform", "blur")) {
                Attribution a = run(model, x, o, Map.of("baseline", b, "steps", "64"), 64);
                double sum = 0;
                for (float v : a.map().data()) {
                    sum += Math.abs(v);
                }
                assertTrue(sum > 0, b);
                assertTrue(Math.abs(a.convergenceDelta()[0]) < 0.05 * sum, b + ": delta " + a.convergenceDelta()[0]);
            }
            Path same = dir.resolve("x.npy");
            Npy.write(same, x);
            Attribution a = run(model, x, o, Map.of("baseline", same.toString()), 64);
            assertArrayEquals(new float[x.data().length], a.map().data(), 0f);
            LoupeException e = assertThrows(LoupeException.class, () -> run(model, x, o, Map.of("baseline", "grey"), 8));
            assertTrue(e.getMessage().contains("unknown baseline 'grey'"), e.getMessage());
        }
    }
}
