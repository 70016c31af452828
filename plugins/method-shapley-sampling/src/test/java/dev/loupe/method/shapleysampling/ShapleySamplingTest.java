package dev.loupe.method.shapleysampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapleySamplingTest {
    private static final float[] W = {0.5f, -1, 2, 1.5f, -0.25f, 3};
    private static final float[] X = {1.5f, 2, -1, 0.5f, 2.5f, -2};

    static Attribution run(ExplainableModel model, Tensor inputs, Objective objective, Map<String, String> params,
            int batch) {
        ShapleySampling method = new ShapleySampling();
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(ShapleySampling.ID, method.descriptor().parameters(), params));
        return method.explain(model, inputs, request, new TestContext(batch));
    }

    /** Six features, one per element of a 1×2×3 input; {@code interactions} adds x0·x1 + x2·x3·x4. */
    static FunctionModel model(boolean interactions) {
        return new FunctionModel("six", new long[] {1, 2, 3}, 1, in -> {
            NDArray x = in.reshape(in.getShape().get(0), 6);
            NDArray f = x.matMul(x.getManager().create(W, new Shape(6, 1))).add(0.75f);
            if (interactions) {
                NDArray pair = x.get(":, 0").mul(x.get(":, 1"));
                NDArray triple = x.get(":, 2").mul(x.get(":, 3")).mul(x.get(":, 4"));
                f = f.add(pair.add(triple).expandDims(1));
            }
            return f;
        });
    }

    /** Closed form with baseline 0: w_k x_k, plus an equal share of each product the feature is in. */
    static double[] exact(boolean interactions) {
        double[] phi = new double[6];
        for (int k = 0; k < 6; k++) {
            phi[k] = W[k] * X[k];
        }
        if (interactions) {
            double pair = X[0] * X[1];
            double triple = X[2] * X[3] * X[4];
            phi[0] += pair / 2;
            phi[1] += pair / 2;
            for (int k = 2; k <= 4; k++) {
                phi[k] += triple / 3;
            }
        }
        return phi;
    }

    static Tensor input() {
        return new Tensor(X.clone(), new long[] {1, 1, 2, 3});
    }

    @Test
    void aLinearModelGetsItsExactContributionsFromAnyPermutation() {
        Tensor map = run(model(false), input(), Objective.logit(0), Map.of("mask", "grid:1", "permutations", "1"), 4)
                .map();
        double[] phi = exact(false);
        for (int k = 0; k < 6; k++) {
            assertEquals(phi[k], map.data()[k], 1e-5, "feature " + k);
        }
    }

    @Test
    void convergesToTheShapleyValuesOfInteractions() {
        double[] phi = exact(true);
        double[] errors = new double[2];
        int[] permutations = {20, 5000};
        for (int r = 0; r < 2; r++) {
            Tensor map = run(model(true), input(), Objective.logit(0),
                    Map.of("mask", "grid:1", "permutations", String.valueOf(permutations[r])), 4096).map();
            double sum = 0;
            for (int k = 0; k < 6; k++) {
                errors[r] = Math.max(errors[r], Math.abs(map.data()[k] - phi[k]));
                sum += map.data()[k];
            }
            // the values add up to f(x) − f(0) for any number of permutations
            assertEquals(Arrays.stream(phi).sum(), sum, 1e-4, permutations[r] + " permutations: sum");
            System.out.printf("shapley-sampling, %d permutations: max error %.5f%n", permutations[r], errors[r]);
        }
        // the triple's share varies by ±2/3 of 1.25 per permutation: its standard error at 5000 is about 0.012
        assertTrue(errors[1] < 0.05, "5000 permutations: max error " + errors[1]);
        assertTrue(errors[1] < errors[0], "more permutations, smaller error: " + Arrays.toString(errors));
    }

    @Test
    void theSeedFixesTheResultAndBatchingDoesNot() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Map<String, String> p = Map.of("mask", "grid:16", "permutations", "3", "seed", "5");
            Tensor small = run(model, x, Shapes.objective(2), p, 3).map();
            Tensor large = run(model, x, Shapes.objective(2), p, 32).map();
            assertArrayEquals(large.data(), small.data(), 1e-6f);
            Tensor other = run(model, x, Shapes.objective(2),
                    Map.of("mask", "grid:16", "permutations", "3", "seed", "6"), 32).map();
            assertFalse(Arrays.equals(large.data(), other.data()), "another seed draws other orders");
        }
    }
}
