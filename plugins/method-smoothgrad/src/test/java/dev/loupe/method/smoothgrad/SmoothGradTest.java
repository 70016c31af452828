package dev.loupe.method.smoothgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.method.integratedgradients.IntegratedGradients;
import dev.loupe.method.saliency.Gradient;
import dev.loupe.method.saliency.Saliency;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothGradTest {
    private final SmoothGrad smoothGrad = new SmoothGrad();

    private Attribution run(ExplainableModel model, Tensor x, Objective objective, Map<String, String> params, int batch) {
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(SmoothGrad.ID, smoothGrad.descriptor().parameters(), params));
        return smoothGrad.explain(model, x, request,
                new TestContext(batch).with(new Saliency(), new Gradient(), new IntegratedGradients()));
    }

    @Test
    void matchesCaptumsNoiseTunnelStatistically() {
        try (ExplainableModel model = Shapes.model()) {
            // the reference: NoiseTunnel(Saliency(abs=False)), absolute σ 0.15, 256 samples
            Attribution a = run(model, Shapes.inputs(), Shapes.objective(),
                    Map.of("wrap", "gradient", "sigma", "0.15", "sigma-mode", "absolute", "samples", "256"), 64);
            Shapes.assertMatches("smoothgrad_sigma0.15_n256", a.map());
            assertEquals("gradient", a.details().get("wrapped"));
        }
    }

    /** f(x) = Σ x³: the gradient 3x² has E[3(x + ε)²] = 3x² + 3σ², a closed form to check against. */
    @Test
    void theMeanOfNoisyGradientsOfACubic() {
        FunctionModel cubic = new FunctionModel("cubic", new long[] {4}, 1, x -> x.pow(3).sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[] {1, -1.5f, 0.5f, 0}, new long[] {1, 4});
        Attribution a = run(cubic, x, Objective.logit(0),
                Map.of("wrap", "gradient", "sigma", "0.5", "sigma-mode", "absolute", "samples", "20000"), 512);
        for (int p = 0; p < 4; p++) {
            float v = x.data()[p];
            // 20,000 samples: the standard error is at most 0.032
            assertEquals(3 * v * v + 3 * 0.25, a.map().data()[p], 0.15, "element " + p);
        }
        // relative σ: 0.2 · (max − min) = 0.2 · 2.5 = 0.5, the same noise
        Attribution r = run(cubic, x, Objective.logit(0),
                Map.of("wrap", "gradient", "sigma", "0.2", "samples", "20000"), 512);
        assertArrayEquals(a.map().data(), r.map().data(), 1e-5f);
    }

    @Test
    void varGradIsTheMeanOfSquaresLessTheSquaredMean() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Objective o = Shapes.objective(2);
            Map<String, String> p = Map.of("wrap", "gradient", "samples", "10", "seed", "3");
            float[] mean = run(model, x, o, p, 8).map().data();
            float[] sq = run(model, x, o, with(p, "type", "smoothgrad-sq"), 8).map().data();
            float[] var = run(model, x, o, with(p, "type", "vargrad"), 8).map().data();
            for (int i = 0; i < mean.length; i++) {
                assertEquals(sq[i] - mean[i] * mean[i], var[i], 1e-6 * Math.max(1, sq[i]));
                assertTrue(var[i] >= -1e-9, "variance is not negative");
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameMapWhateverTheBatches() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(3);
            Objective o = Shapes.objective(3);
            Map<String, String> p = Map.of("samples", "12", "seed", "11");
            float[] a = run(model, x, o, p, 5).map().data();
            Fixtures.assertClose(a, run(model, x, o, p, 36).map().data(), 1e-6, "batches of 5 vs 36");
            float[] other = run(model, x, o, with(p, "seed", "12"), 5).map().data();
            assertTrue(!Arrays.equals(a, other), "another seed, other noise");
        }
    }

    @Test
    void wrapsAnyInstalledMethodWithItsParameters() {
        FunctionModel square = new FunctionModel("square", new long[] {2}, 1, x -> x.pow(2).sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[] {1, -3}, new long[] {1, 2});
        // IG of Σ x² from zero is x² per element; σ = 0 leaves nothing to average
        Attribution a = run(square, x, Objective.logit(0),
                Map.of("wrap", "integrated-gradients", "wrap-params", "steps=8,method=riemann_middle", "sigma", "0",
                        "samples", "3"), 2);
        assertArrayEquals(new float[] {1, 9}, a.map().data(), 1e-4f);
        assertEquals(Map.of("steps", 8, "method", "riemann_middle", "baseline", "zero", "blur-sigma", 5.0, "seed", 0),
                a.details().get("wrappedParameters"));
    }

    @Test
    void badWrapsAreClearErrors() {
        FunctionModel f = new FunctionModel("f", new long[] {2}, 1, x -> x.sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[2], new long[] {1, 2});
        LoupeException missing = assertThrows(LoupeException.class,
                () -> run(f, x, Objective.logit(0), Map.of("wrap", "occlusion"), 4));
        assertTrue(missing.getMessage().contains("occlusion, which is not installed"), missing.getMessage());
        LoupeException self = assertThrows(LoupeException.class, () -> run(f, x, Objective.logit(0), Map.of("wrap", "smoothgrad"), 4));
        assertTrue(self.getMessage().contains("cannot wrap itself"), self.getMessage());
        LoupeException param = assertThrows(LoupeException.class,
                () -> run(f, x, Objective.logit(0), Map.of("wrap", "saliency", "wrap-params", "steps=3"), 4));
        assertTrue(param.getMessage().contains("saliency has no parameter steps"), param.getMessage());
    }

    private static Map<String, String> with(Map<String, String> p, String key, String value) {
        Map<String, String> out = new java.util.HashMap<>(p);
        out.put(key, value);
        return out;
    }
}
