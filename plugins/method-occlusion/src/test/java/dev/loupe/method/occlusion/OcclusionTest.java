package dev.loupe.method.occlusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OcclusionTest {
    /** The reference's call: sliding_window_shapes=(3,8,8), strides=(3,4,4), baselines=0. */
    private static final Map<String, String> CAPTUM = Map.of("window", "3,8,8", "stride", "3,4,4", "baseline", "0");

    static Attribution run(ExplainableModel model, Tensor inputs, Objective objective, Map<String, String> params,
            int batch) {
        Occlusion method = new Occlusion();
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(Occlusion.ID, method.descriptor().parameters(), params));
        return method.explain(model, inputs, request, new TestContext(batch));
    }

    @Test
    void matchesCaptum() {
        Attribution a = Shapes.explain(new Occlusion(), List.of(), CAPTUM, 32);
        printDeviation("occlusion_w8_s4", a.map());
        Shapes.assertMatches("occlusion_w8_s4", a.map());
        assertEquals(15 * 15, a.details().get("windows"));
    }

    @Test
    void aTwoAxisWindowSpansTheChannels() {
        // "8,8" with stride "4,4" is the reference's (3,8,8)/(3,4,4) on three-channel inputs
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Tensor full = run(model, x, Shapes.objective(2), CAPTUM, 16).map();
            Tensor short2 = run(model, x, Shapes.objective(2), Map.of(), 16).map();
            assertArrayEquals(full.data(), short2.data(), 0f);
        }
    }

    @Test
    void batchingDoesNotChangeTheResult() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Map<String, String> p = Map.of("window", "1,16,16", "stride", "1,8,8");
            Tensor small = run(model, x, Shapes.objective(2), p, 3).map();
            Tensor large = run(model, x, Shapes.objective(2), p, 32).map();
            assertArrayEquals(large.data(), small.data(), 1e-6f);
        }
    }

    @Test
    void needsOnlyForwardPassesOnOnnxRuntime() {
        try (ExplainableModel model = new OnnxRuntimeBackend().load(ModelSource.of(Shapes.file("model.onnx")))) {
            assertEquals(Set.of(Capability.FORWARD), model.capabilities());
            new Occlusion().descriptor().checkSupportedBy(model);
            Tensor x = Shapes.inputs();
            Tensor map = run(model, x, Shapes.objective(), CAPTUM, 32).map();
            printDeviation("occlusion_w8_s4", map);
            Shapes.assertMatches("occlusion_w8_s4", map);
        }
    }

    @Test
    void aLinearModelGetsTheMeanOfItsWindowsContributions() {
        // f(x) = Σ w_k x_k with baseline 0: occluding a window drops the score by Σ_{k∈window} w_k x_k
        float[] w = {1, -2, 3, 0.5f, 4, -1};
        FunctionModel linear = linear(w);
        Tensor x = new Tensor(new float[] {2, 1, -1, 4, 0.5f, 3}, new long[] {1, 6});
        Tensor map = run(linear, x, Objective.logit(0), Map.of("window", "2", "stride", "1"), 4).map();
        float[] c = new float[6];
        for (int k = 0; k < 6; k++) {
            c[k] = w[k] * x.data()[k];
        }
        // windows [0,1] [1,2] ... [4,5]: ends are covered once, the others twice
        float[] expected = new float[6];
        for (int k = 0; k < 6; k++) {
            double sum = 0;
            int n = 0;
            for (int s = Math.max(0, k - 1); s <= Math.min(4, k); s++) {
                sum += c[s] + c[s + 1];
                n++;
            }
            expected[k] = (float) (sum / n);
        }
        assertArrayEquals(expected, map.data(), 1e-5f);
    }

    @Test
    void windowsAtTheEdgeAreCut() {
        // size 5, window 2, stride 2: shifts ⌈3/2⌉+1 = 3 at 0, 2, 4; the last covers element 4 only
        FunctionModel linear = linear(new float[] {1, 1, 1, 1, 1});
        Tensor x = new Tensor(new float[] {1, 2, 3, 4, 5}, new long[] {1, 5});
        Attribution a = run(linear, x, Objective.logit(0), Map.of("window", "2", "stride", "2"), 2);
        assertEquals(3, a.details().get("windows"));
        assertArrayEquals(new float[] {3, 3, 7, 7, 5}, a.map().data(), 1e-5f);
    }

    @Test
    void substratesOtherThanAConstant() {
        FunctionModel linear = linear(new float[] {1, 1, 1, 1});
        Tensor x = new Tensor(new float[] {1, 2, 3, 6}, new long[] {1, 4});
        // mean substrate: 3; occluding element k drops x_k − 3
        Tensor mean = run(linear, x, Objective.logit(0), Map.of("window", "1", "stride", "1", "baseline", "mean"), 2)
                .map();
        assertArrayEquals(new float[] {-2, -1, 0, 3}, mean.data(), 1e-5f);
        Tensor constant = run(linear, x, Objective.logit(0), Map.of("window", "1", "stride", "1", "baseline", "1"), 2)
                .map();
        assertArrayEquals(new float[] {0, 1, 2, 5}, constant.data(), 1e-5f);
    }

    @Test
    void badWindowsSayWhatIsWrong() {
        FunctionModel linear = linear(new float[] {1, 1, 1, 1});
        Tensor x = new Tensor(new float[] {1, 2, 3, 6}, new long[] {1, 4});
        LoupeException large = assertThrows(LoupeException.class,
                () -> run(linear, x, Objective.logit(0), Map.of("window", "5"), 2));
        assertTrue(large.getMessage().contains("larger than the input"), large.getMessage());
        LoupeException stride = assertThrows(LoupeException.class,
                () -> run(linear, x, Objective.logit(0), Map.of("window", "2", "stride", "3"), 2));
        assertTrue(stride.getMessage().contains("larger than the window"), stride.getMessage());
        LoupeException axes = assertThrows(LoupeException.class,
                () -> run(linear, x, Objective.logit(0), Map.of("window", "1,1", "stride", "1"), 2));
        assertTrue(axes.getMessage().contains("has 2 axes but the inputs have 1"), axes.getMessage());
        LoupeException junk = assertThrows(LoupeException.class,
                () -> run(linear, x, Objective.logit(0), Map.of("window", "two"), 2));
        assertTrue(junk.getMessage().contains("positive integers"), junk.getMessage());
        LoupeException baseline = assertThrows(LoupeException.class,
                () -> run(linear, x, Objective.logit(0), Map.of("window", "1", "stride", "1", "baseline", "grey"), 2));
        assertTrue(baseline.getMessage().contains("blur"), baseline.getMessage());
    }

    /** f(x) = w · x, one score. */
    static FunctionModel linear(float[] w) {
        return new FunctionModel("linear", new long[] {w.length}, 1,
                x -> x.matMul(x.getManager().create(w, new ai.djl.ndarray.types.Shape(w.length, 1))));
    }

    /** Prints max|a − b| / max|b| against a reference, for the record. */
    static void printDeviation(String name, Tensor actual) {
        float[] b = Shapes.reference(name).data();
        double worst = 0;
        double scale = 0;
        for (int k = 0; k < b.length; k++) {
            worst = Math.max(worst, Math.abs(actual.data()[k] - b[k]));
            scale = Math.max(scale, Math.abs(b[k]));
        }
        System.out.printf("%s: max|a-b| = %.3g, relative to max|b| %.3g%n", name, worst, worst / scale);
    }
}
