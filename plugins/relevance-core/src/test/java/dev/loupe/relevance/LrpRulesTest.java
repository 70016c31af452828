package dev.loupe.relevance;

import static dev.loupe.relevance.TinyModels.relevance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.BackwardRules;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Tensor;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each rule on one dense layer, y = W x + b with W = [[1, −2, 0.5], [0.25, 1, −1]], b = [0.5, −0.25]
 * (make_rule_models.py), at x = (1, 0.5, −2), so x⁺ = (1, 0.5, 0), x⁻ = (0, 0, −2); the outputs are
 * z = (−0.5, 2.5). The seed is 1 at the target, so the expected relevance is worked out by hand from
 * these numbers.
 */
class LrpRulesTest {
    private static final float[] X = {1, 0.5f, -2};
    private static final float TOL = 1e-5f;
    private ExplainableModel dense;

    @BeforeEach
    void load() {
        dense = TinyModels.load("dense");
    }

    @AfterEach
    void close() {
        dense.close();
    }

    private float[] run(String rule, LrpRules.Settings settings, int target) {
        return relevance(dense, X, "Gemm", LrpRules.named(rule, settings), target);
    }

    private static LrpRules.Settings defaults() {
        return LrpRules.Settings.defaults();
    }

    @Test
    void epsilonDividesByTheStabilisedOutput() {
        // class 0: x ⊙ w₀ = (1, −1, −1); z₀ = −0.5 becomes −0.5 − ε = −0.75 with ε = 0.25
        float[] r = run(LrpRules.EPSILON, defaults().withEpsilon(0.25), 0);
        assertArrayEquals(new float[] {1 / -0.75f, -1 / -0.75f, -1 / -0.75f}, r, TOL);
    }

    @Test
    void zPlusSharesOnlyThePositiveContributions() {
        // class 1: x⁺ ⊙ w⁺ = (0.25, 0.5, 0), x⁻ ⊙ w⁻ = (0, 0, 2); b⁺ = 0; denominator 2.75
        assertArrayEquals(new float[] {0.25f / 2.75f, 0.5f / 2.75f, 2 / 2.75f}, run(LrpRules.Z_PLUS, defaults(), 1),
                TOL);
        // class 0: x⁺ ⊙ w⁺ = (1, 0, 0), x⁻ ⊙ w⁻ = 0, b⁺ = 0.5 takes a third of the relevance
        assertArrayEquals(new float[] {1 / 1.5f, 0, 0}, run(LrpRules.Z_PLUS, defaults(), 0), TOL);
    }

    @Test
    void alphaBetaWeighsPositiveAgainstNegativeContributions() {
        // class 0: positive (1, 0, 0) + b⁺ 0.5 = 1.5; negative x⁺ ⊙ w⁻ + x⁻ ⊙ w⁺ = (0, −1, −1), b⁻ = 0: −2
        // R = 2 · (1, 0, 0) / 1.5 − 1 · (0, −1, −1) / −2
        assertArrayEquals(new float[] {2 / 1.5f, -0.5f, -0.5f}, run(LrpRules.ALPHA_BETA, defaults(), 0), TOL);
        // α = 1, β = 0 is z-plus
        assertArrayEquals(run(LrpRules.Z_PLUS, defaults(), 0),
                run(LrpRules.ALPHA_BETA, new LrpRules.Settings(1e-6, 1e-6, 0.25, 1, 0, null, null), 0), TOL);
    }

    @Test
    void gammaFavoursContributionsOfTheOutputsSign() {
        // class 1, z = 2.5 > 0: W + γW⁺ = (0.3125, 1.25, −1) on x⁺, W + γW⁻ = (0.25, 1, −1.25) on x⁻,
        // bias −0.25 + γ · 0: denominator 0.3125 + 0.625 − 0.25 + 2.5 = 3.1875
        assertArrayEquals(new float[] {0.3125f / 3.1875f, 0.625f / 3.1875f, 2.5f / 3.1875f},
                run(LrpRules.GAMMA, defaults(), 1), TOL);
        // class 0, z = −0.5 < 0: W + γW⁻ = (1, −2.5, 0.5) on x⁺, W + γW⁺ = (1.25, −2, 0.625) on x⁻, bias 0.5:
        // contributions (1, −1.25, 0) and (0, 0, −1.25), denominator 1 − 1.25 + 0.5 − 1.25 = −1
        assertArrayEquals(new float[] {-1, 1.25f, 1.25f}, run(LrpRules.GAMMA, defaults(), 0), TOL);
    }

    @Test
    void zBoxMeasuresContributionsFromTheBoxCorners() {
        // class 1, box [−2, 2]: x ⊙ w − l ⊙ w⁺ − h ⊙ w⁻ = (0.25 + 0.5, 0.5 + 2, 2 + 2) over
        // z − (l·w⁺ + b⁺) − (h·w⁻ + b⁻) = 2.5 + 2.5 + 2.25 = 7.25: the bias cancels, relevance is conserved
        float[] r = run(LrpRules.Z_BOX, defaults().withBounds(-2.0, 2.0), 1);
        assertArrayEquals(new float[] {0.75f / 7.25f, 2.5f / 7.25f, 4 / 7.25f}, r, TOL);
        // without bounds each input's own range, here [−2, 1]: (0.75, 2.5, 3) over 2.5 + 2.5 + 1.25
        assertArrayEquals(new float[] {0.75f / 6.25f, 2.5f / 6.25f, 3 / 6.25f}, run(LrpRules.Z_BOX, defaults(), 1),
                TOL);
    }

    @Test
    void zBoxBoundsFromEachInputFollowTheInputNotTheBatch() {
        // z-box with bounds scaled as the input is gives the same shares: each row must take its own range
        Tensor batch = new Tensor(new float[] {1, 0.5f, -2, 2, 1, -4}, new long[] {2, 3});
        float[] r = relevance(dense, batch, BackwardRules.byOpType(Map.of("Gemm",
                LrpRules.named(LrpRules.Z_BOX, defaults()))), 1).signal().data();
        float[] expected = {0.75f / 6.25f, 2.5f / 6.25f, 3 / 6.25f};
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(r, 0, 3), TOL);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(r, 3, 6), TOL);
    }

    @Test
    void flatAndWSquareIgnoreTheInput() {
        // flat: three inputs, weights one, bias zero
        assertArrayEquals(new float[] {1 / 3f, 1 / 3f, 1 / 3f}, run(LrpRules.FLAT, defaults(), 1), TOL);
        // w-square: w² = (0.0625, 1, 1) and, as in Zennit, b² = 0.0625 in the denominator
        assertArrayEquals(new float[] {0.0625f / 2.125f, 1 / 2.125f, 1 / 2.125f},
                run(LrpRules.W_SQUARE, defaults(), 1), TOL);
    }

    @Test
    void theGradientRuleIsThePlainGradient() {
        assertArrayEquals(new float[] {0.25f, 1, -1}, run(LrpRules.GRADIENT, defaults(), 1), TOL);
    }

    @Test
    void badRuleNamesAndConstantsSayWhatIsAllowed() {
        LoupeException unknown = assertThrows(LoupeException.class, () -> LrpRules.named("zplus", defaults()));
        assertTrue(unknown.getMessage().contains("z-plus") && unknown.getMessage().contains("w-square"),
                unknown.getMessage());
        LoupeException ab = assertThrows(LoupeException.class,
                () -> new LrpRules.Settings(1e-6, 1e-6, 0.25, 3, 1, null, null));
        assertTrue(ab.getMessage().contains("alpha - beta = 1"), ab.getMessage());
        assertThrows(LoupeException.class, () -> defaults().withBounds(1.0, -1.0));
    }

    @Test
    void weightRulesRefuseLayersWithoutAWeight() {
        try (ExplainableModel swish = TinyModels.load("swish")) {
            LoupeException e = assertThrows(LoupeException.class,
                    () -> relevance(swish, new float[] {1, 2}, "Mul", LrpRules.zPlus(1e-6), 0));
            assertTrue(e.getMessage().contains("product") && e.getMessage().contains("linear layers"), e.getMessage());
        }
    }
}
