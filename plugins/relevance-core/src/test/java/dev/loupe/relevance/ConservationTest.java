package dev.loupe.relevance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.loupe.api.BackwardRules;
import dev.loupe.api.Canonizer;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Relevance conservation: on networks without biases every composite hands the relevance put at the
 * output (1 for the one-hot seed) down to the input whole; the norm rule splits a residual sum in
 * proportion to the branches; the pass rule gives a product's gate nothing.
 */
class ConservationTest {

    private static Tensor randomInputs(int n, int size, long[] shape, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * size];
        for (int p = 0; p < x.length; p++) {
            x[p] = (float) random.nextGaussian();
        }
        return new Tensor(x, shape);
    }

    @ParameterizedTest
    @EnumSource(Composite.class)
    void everyCompositeConservesRelevanceOnBiasFreeNetworks(Composite composite) {
        // ε and stabiliser → 0 (1e-6 already shifts sums by 1e-3 where a denominator is small); 1e-4 is float32
        LrpRules.Settings settings = new LrpRules.Settings(1e-12, 1e-12, 0.25, 2, 1, null, null);
        for (String name : List.of("bias_free_cnn", "bias_free_residual")) {
            try (ExplainableModel model = TinyModels.load(name)) {
                long side = name.equals("bias_free_cnn") ? 8 : 6;
                Tensor x = randomInputs(4, (int) (3 * side * side), new long[] {4, 3, side, side}, 5);
                BackwardRules rules = composite.ruleMap(model.info(), true).build(settings);
                for (int target = 0; target < 3; target++) {
                    double[] sums = TinyModels.relevance(model, x, rules, target).sums();
                    for (double s : sums) {
                        assertEquals(1, s, 1e-4, composite.id() + " on " + name + ", class " + target);
                    }
                }
            }
        }
    }

    @Test
    void biasesAbsorbRelevanceSoTheCheckCanFail() {
        // the dense layer's bias takes b₀ / z₀ = 0.5 / −0.5 of the seed under epsilon: the sum is 2, not 1
        try (ExplainableModel dense = TinyModels.load("dense")) {
            float[] r = TinyModels.relevance(dense, new float[] {1, 0.5f, -2}, "Gemm", LrpRules.epsilon(1e-9), 0);
            assertEquals(2, r[0] + r[1] + r[2], 1e-5);
        }
    }

    @Test
    void normSplitsAResidualSumInProportionToTheBranches() {
        // a = A x = (5, −1.5), b = B x = (1.5, 2.5) at x = (1, 2); y₀ = 6.5 shares as 5 : 1.5
        try (ExplainableModel model = TinyModels.load("two_branches")) {
            Tensor x = new Tensor(new float[] {1, 2}, new long[] {1, 2});
            BackwardRules norm = BackwardRules.byOpType(Map.of("Sum", LrpRules.norm(1e-6)))
                    .withCanonizers(Canonizer.EXPLICIT_RESIDUAL);
            assertArrayEquals(new float[] {5 / 6.5f, 0}, at(model, x, norm, "a"), 1e-6f);
            assertArrayEquals(new float[] {1.5f / 6.5f, 0}, at(model, x, norm, "b"), 1e-6f);
            // without the canonizer the addition is no Sum: its gradient copies the whole seed into both branches
            BackwardRules unmarked = BackwardRules.byOpType(Map.of("Sum", LrpRules.norm(1e-6)));
            assertArrayEquals(new float[] {1, 0}, at(model, x, unmarked, "a"), 1e-6f);
        }
    }

    private static float[] at(ExplainableModel model, Tensor x, BackwardRules rules, String layer) {
        return RuleSweep.atLayer(model, x, Objective.logit(0), rules, layer, new TestContext(4)).signal().data();
    }

    @Test
    void passGivesAProductsGateNothing() {
        // y = x · sigmoid(x): the relevance passes to x whole, the sigmoid branch (the gate) takes none
        try (ExplainableModel swish = TinyModels.load("swish")) {
            Tensor x = new Tensor(new float[] {1, -2}, new long[] {1, 2});
            BackwardRules pass = BackwardRules.byOpType(Map.of("Mul", LrpRules.pass(), "Sigmoid", LrpRules.pass()));
            assertArrayEquals(new float[] {0, 0}, at(swish, x, pass, "s"), 1e-6f);
            assertArrayEquals(new float[] {0, 1}, RuleSweep.atInput(swish, x, Objective.logit(1), pass,
                    new TestContext(1)).signal().data(), 1e-6f);
            // the plain gradient differs: it runs through the gate as well
            float[] plain = RuleSweep.atInput(swish, x, Objective.logit(1), BackwardRules.byOpType(Map.of()),
                    new TestContext(1)).signal().data();
            assertNotEquals(1f, plain[1], 1e-3f);
        }
    }

    @Test
    void conservationFiguresCompareSumsWithTheOutput() {
        Conservation c = Conservation.of(new double[] {2, -1}, new float[] {4, -1});
        assertArrayEquals(new double[] {0.5, 1}, c.ratios(), 1e-12);
        assertArrayEquals(new double[] {-2, 0}, c.deltas(), 1e-12);
        assertEquals(0.5, c.perInput().get(0).get("ratio"));
    }
}
