package dev.loupe.method.lrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LRP against the peers' references on the shapes model: Zennit 0.5.1's composites (BatchNorm
 * merged, every epsilon 1e-6) and Captum 0.8.0's default rules (BatchNorm a layer of its own).
 */
class LrpReferenceTest {
    /** The images' range [0, 1] after the fixture's normalisation (x − 0.4) / 0.25. */
    private static final String LOW = Double.toString((0 - 0.4) / 0.25);
    private static final String HIGH = Double.toString((1 - 0.4) / 0.25);

    @Test
    void epsilonPlusFlatMatchesZennit() {
        assertMatchesZennit("zennit_epsilon_plus_flat", Map.of("composite", "epsilon-plus-flat"));
    }

    @Test
    void epsilonAlpha2Beta1FlatMatchesZennit() {
        assertMatchesZennit("zennit_epsilon_alpha2_beta1_flat", Map.of("composite", "epsilon-alpha2-beta1-flat"));
    }

    @Test
    void epsilonGammaBoxMatchesZennit() {
        assertMatchesZennit("zennit_epsilon_gamma_box",
                Map.of("composite", "epsilon-gamma-box", "low", LOW, "high", HIGH));
    }

    /** Captum's LRP: epsilon 1e-9 on conv, linear, pools and BatchNorm; ReLU passes; scaled by the output. */
    @Test
    void epsilonMatchesCaptumWithBatchNormAsItsOwnLayer() {
        try (ExplainableModel model = Shapes.model("model_bn.onnx")) {
            Lrp lrp = new Lrp();
            ExplanationRequest request = new ExplanationRequest(Shapes.objective(), List.of(),
                    ParameterSpec.resolve(Lrp.ID, lrp.descriptor().parameters(),
                            Map.of("composite", "epsilon", "epsilon", "1e-9", "merge-batchnorm", "false")));
            Attribution a = lrp.explain(model, Shapes.inputs(), request, new TestContext(8));
            report("captum_lrp_epsilon", a.map());
            Shapes.assertMatches("captum_lrp_epsilon", a.map());
        }
    }

    /** Zennit seeds the output with 1, Loupe with the explained logit: its maps are ours divided by the logit. */
    private static void assertMatchesZennit(String reference, Map<String, String> params) {
        Attribution a = Shapes.explain(new Lrp(), List.of(), params, 8);
        if (params.containsKey("low")) {
            assertEquals(LOW + " .. " + HIGH, a.details().get("z-box bounds"));
        }
        Tensor logits = Fixtures.npy(Shapes.file("logits.npy"));
        int[] labels = Shapes.labels();
        float[] v = a.map().data().clone();
        int size = a.map().itemSize();
        for (int p = 0; p < v.length; p++) {
            int i = p / size;
            v[p] /= logits.data()[i * logits.itemSize() + labels[i]];
        }
        Tensor perUnitSeed = new Tensor(v, a.map().shape());
        report(reference, perUnitSeed);
        Shapes.assertMatches(reference, perUnitSeed);
    }

    /** Prints the largest deviation and the manifest's bound, for the record. */
    static void report(String reference, Tensor actual) {
        Tensor expected = Shapes.reference(reference);
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.data().length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected.data()[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected.data()[i] - actual.data()[i]));
        }
        System.out.printf("%s: max |a - b| = %.3g, bound %.3g%n", reference, maxDiff, 1e-3 * maxRef + 1e-6);
    }
}
