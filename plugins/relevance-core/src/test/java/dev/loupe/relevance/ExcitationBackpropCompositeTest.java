package dev.loupe.relevance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.BackwardRules;
import dev.loupe.api.ExplainableModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import org.junit.jupiter.api.Test;

/**
 * The excitation-backprop composite against Zennit 0.5.1's {@code ExcitationBackprop} with its
 * BatchNorm canonizer, on the shapes model (BatchNorm already folded by the exporter). Zennit
 * seeds the output with the one-hot target, as the rule-driven pass does, so the maps compare as
 * they come.
 */
class ExcitationBackpropCompositeTest {

    @Test
    void matchesZennitsExcitationBackprop() {
        try (ExplainableModel model = Shapes.model()) {
            BackwardRules rules = Composite.EXCITATION_BACKPROP.ruleMap(model.info(), true)
                    .build(LrpRules.Settings.defaults());
            RuleSweep.Signals s = RuleSweep.atInput(model, Shapes.inputs(), Shapes.objective(), rules,
                    new TestContext(8));
            float[] ref = Shapes.reference("zennit_excitation_backprop").data();
            double maxRef = 0;
            double maxDiff = 0;
            for (int p = 0; p < ref.length; p++) {
                maxRef = Math.max(maxRef, Math.abs(ref[p]));
                maxDiff = Math.max(maxDiff, Math.abs(ref[p] - s.signal().data()[p]));
            }
            System.out.printf("zennit_excitation_backprop: max |a - b| = %.3g, bound %.3g%n", maxDiff,
                    1e-3 * maxRef + 1e-6);
            Shapes.assertMatches("zennit_excitation_backprop", s.signal());
            // z-plus shares only positive contributions: every input's relevance is a part of the seed's 1
            for (double sum : s.sums()) {
                assertTrue(sum > 0 && sum <= 1 + 1e-4, "relevance sum " + sum);
            }
        }
    }

    @Test
    void mapsEveryLinearLayerToZPlusAndSumsToNorm() {
        try (ExplainableModel model = Shapes.model()) {
            RuleMap map = Composite.EXCITATION_BACKPROP.ruleMap(model.info(), true);
            assertEquals(LrpRules.Z_PLUS, map.byOpType().get("Conv"));
            assertEquals(LrpRules.Z_PLUS, map.byOpType().get("Gemm"));
            assertEquals(LrpRules.NORM, map.byOpType().get("GlobalAveragePool"));
            assertEquals(LrpRules.NORM, map.byOpType().get("Sum"));
            assertTrue(map.byLayer().isEmpty());
            assertTrue(map.byOpType().get("Relu") == null, "activations keep their gradient");
        }
    }
}
