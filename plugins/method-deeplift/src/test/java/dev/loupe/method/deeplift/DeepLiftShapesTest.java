package dev.loupe.method.deeplift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DeepLIFT on the shapes network: Captum 0.8.0's {@code DeepLift} (Rescale, zero baseline), batching, sums. */
class DeepLiftShapesTest {
    private final DeepLift deeplift = new DeepLift();

    @Test
    void captumRuleMatchesCaptum() {
        Attribution a = Shapes.explain(deeplift, List.of(), Map.of("rule", "captum"), 32);
        Shapes.assertMatches("deeplift_rescale", a.map());
    }

    /**
     * Captum's hook order makes each ReLU before a max pool read the pool's gradient: its sums miss
     * F(x) − F(0) by up to ~0.1 %. The exact Rescale closes that gap.
     */
    @Test
    void rescaleSumsToTheScoreDifferenceWhereCaptumMissesALittle() {
        Attribution exact = Shapes.explain(deeplift, List.of(), Map.of(), 32);
        Attribution captum = Shapes.explain(deeplift, List.of(), Map.of("rule", "captum"), 32);
        double[] sums = TestModels.sums(exact);
        double[] captumSums = TestModels.sums(captum);
        double worstCaptum = 0;
        for (int i = 0; i < sums.length; i++) {
            // delta = Σattr − ΔF, so ΔF = Σattr − delta for either run
            double difference = sums[i] - exact.convergenceDelta()[i];
            assertEquals(difference, captumSums[i] - captum.convergenceDelta()[i], 1e-4 * Math.abs(difference),
                    "both runs report the same F(x) − F(0), input " + i);
            assertEquals(0, exact.convergenceDelta()[i], 1e-5 * Math.abs(difference), "exact delta, input " + i);
            worstCaptum = Math.max(worstCaptum, Math.abs(captum.convergenceDelta()[i]) / Math.abs(difference));
        }
        assertTrue(worstCaptum > 1e-4, "Captum's quirk is visible in its delta: " + worstCaptum);
        assertTrue(worstCaptum < 1e-2, "and it stays small: " + worstCaptum);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rescale", "reveal-cancel", "captum"})
    void batchingDoesNotChangeTheResult(String rule) {
        Attribution small = Shapes.explain(deeplift, List.of(), Map.of("rule", rule), 3);
        Attribution large = Shapes.explain(deeplift, List.of(), Map.of("rule", rule), 32);
        Fixtures.assertClose(large.map().data(), small.map().data(), 1e-6, rule + ": batches of 3 vs 32");
        assertArrayEquals(large.convergenceDelta(), small.convergenceDelta(), 1e-4, rule + ": delta");
    }

    @Test
    void revealCancelSumsToTheScoreDifferenceOnTheShapesNetwork() {
        Attribution a = Shapes.explain(deeplift, List.of(), Map.of("rule", "reveal-cancel"), 8);
        double[] sums = TestModels.sums(a);
        for (int i = 0; i < sums.length; i++) {
            double difference = sums[i] - a.convergenceDelta()[i];
            assertEquals(0, a.convergenceDelta()[i], 1e-5 * Math.abs(difference), "delta, input " + i);
        }
        assertTrue(!a.details().containsKey("rescale instead of reveal-cancel"),
                "every ReLU of the shapes network follows a convolution: " + a.details());
    }

    @Test
    void aModelWithoutBackwardRulesIsRefusedByName() {
        ExplainableModel plain = new FunctionModel("linear", new long[] {2}, 1, x -> x.sum(new int[] {1}, true));
        LoupeException e = assertThrows(LoupeException.class, () -> TestModels.explain(plain,
                new Tensor(new float[] {1, 2}, new long[] {1, 2}), Objective.logit(0), Map.of(), 1));
        assertTrue(e.getMessage().contains("BACKWARD_RULES"), e.getMessage());
    }
}
