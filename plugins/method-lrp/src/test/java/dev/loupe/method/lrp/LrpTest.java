package dev.loupe.method.lrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.relevance.Composite;
import dev.loupe.relevance.LrpRules;
import dev.loupe.relevance.RuleSweep;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lrp method: per-layer overrides, conservation figures, errors, batching. */
class LrpTest {

    static Attribution run(ExplainableModel model, Tensor x, Objective objective, Map<String, String> params,
            int batch) {
        Lrp lrp = new Lrp();
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(Lrp.ID, lrp.descriptor().parameters(), params));
        return lrp.explain(model, x, request, new TestContext(batch));
    }

    /**
     * Overriding conv1 with the flat rule changes only conv1: the map becomes the relevance at conv1's
     * output (unchanged, from the epsilon composite) spread evenly over each output's receptive field,
     * 3 channels × the in-bounds part of the 3×3 window (padding 1), scaled by the logit.
     */
    @Test
    void aPerLayerRuleChangesExactlyThatLayer() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Objective objective = Shapes.objective(2);
            Attribution plain = run(model, x, objective, Map.of("composite", "epsilon"), 8);
            Attribution flat = run(model, x, objective, Map.of("composite", "epsilon", "rules", "/conv1/Conv=flat"), 8);
            RuleSweep.Signals atConv1 = RuleSweep.atLayer(model, x, objective, Composite.EPSILON
                    .ruleMap(model.info(), true).build(LrpRules.Settings.defaults()), "/conv1/Conv_output_0",
                    new TestContext(8));
            Tensor expected = flatSpread(atConv1.signal(), atConv1.objective(), 3);
            Fixtures.assertClose(expected, flat.map(), 1e-4, "flat on conv1");
            double difference = 0;
            for (int p = 0; p < plain.map().data().length; p++) {
                difference = Math.max(difference, Math.abs(plain.map().data()[p] - flat.map().data()[p]));
            }
            assertTrue(difference > 1e-3, "the override must change the map; max difference " + difference);
            @SuppressWarnings("unchecked")
            Map<String, Object> rules = (Map<String, Object>) flat.details().get("rules");
            assertEquals(Map.of("/conv1/Conv", "flat"), rules.get("layers"));
        }
    }

    /** The flat rule by hand: each output's relevance split evenly among the inputs its 3×3 window covers. */
    private static Tensor flatSpread(Tensor relevance, float[] objective, int inChannels) {
        long[] s = relevance.shape();
        int n = (int) s[0];
        int channels = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        float[] out = new float[n * inChannels * h * w];
        float[] r = relevance.data();
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < channels; o++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int rows = Math.min(y + 1, h - 1) - Math.max(y - 1, 0) + 1;
                        int cols = Math.min(xx + 1, w - 1) - Math.max(xx - 1, 0) + 1;
                        double share = r[((i * channels + o) * h + y) * w + xx] / (inChannels * rows * cols + 1e-6)
                                * objective[i];
                        for (int c = 0; c < inChannels; c++) {
                            for (int yy = Math.max(y - 1, 0); yy <= Math.min(y + 1, h - 1); yy++) {
                                for (int x2 = Math.max(xx - 1, 0); x2 <= Math.min(xx + 1, w - 1); x2++) {
                                    out[((i * inChannels + c) * h + yy) * w + x2] += (float) share;
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Tensor(out, new long[] {n, inChannels, h, w});
    }

    @Test
    void mapsSumToTheLogitOnABiasFreeNetworkAndSaySo() {
        // relevance-core's bias-free residual CNN: epsilon-plus-flat conserves, so the map sums to each logit
        Path model = Path.of("../relevance-core/src/test/resources/models/bias_free_residual.onnx");
        try (ExplainableModel m = new OnnxBackend().load(ModelSource.of(model))) {
            Random random = new Random(3);
            float[] v = new float[3 * 3 * 6 * 6];
            for (int p = 0; p < v.length; p++) {
                v[p] = (float) random.nextGaussian();
            }
            Attribution a = run(m, new Tensor(v, new long[] {3, 3, 6, 6}), Objective.logit(0, 1, 2),
                    Map.of("epsilon", "1e-12", "stabilizer", "1e-12"), 2);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> conservation = (List<Map<String, Object>>) a.details().get("conservation");
            for (int i = 0; i < 3; i++) {
                double sum = 0;
                for (float r : a.map().item(i).data()) {
                    sum += r;
                }
                double logit = (Double) conservation.get(i).get("objective");
                assertEquals(logit, sum, 1e-4 * Math.max(1, Math.abs(logit)), "input " + i);
                assertEquals(sum, (Double) conservation.get(i).get("relevance"), 1e-5 * Math.max(1, Math.abs(sum)));
                assertEquals(1, (Double) conservation.get(i).get("ratio"), 1e-4);
                assertEquals(0, a.convergenceDelta()[i], 1e-4 * Math.max(1, Math.abs(logit)));
            }
            assertEquals("epsilon-plus-flat", a.details().get("composite"));
        }
    }

    @Test
    void batchingDoesNotChangeTheMaps() {
        for (String composite : List.of("epsilon-plus-flat", "epsilon-gamma-box")) {
            Map<String, String> params = Map.of("composite", composite);
            Attribution small = Shapes.explain(new Lrp(), List.of(), params, 3);
            Attribution large = Shapes.explain(new Lrp(), List.of(), params, 32);
            Fixtures.assertClose(large.map(), small.map(), 1e-6, composite + ": batches of 3 vs 32");
        }
    }

    @Test
    void badParametersSayWhatIsAllowed() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(1);
            Objective o = Shapes.objective(1);
            LoupeException layer = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("rules", "/conv9/Conv=flat"), 1));
            assertTrue(layer.getMessage().contains("/conv9/Conv") && layer.getMessage().contains("/conv1/Conv (Conv)"),
                    layer.getMessage());
            LoupeException rule = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("rules", "/conv1/Conv=flatt"), 1));
            assertTrue(rule.getMessage().contains("flatt") && rule.getMessage().contains("z-plus, alpha-beta"),
                    rule.getMessage());
            LoupeException pair = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("rules", "/conv1/Conv"), 1));
            assertTrue(pair.getMessage().contains("layer=rule"), pair.getMessage());
            LoupeException ab = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("alpha", "3"), 1));
            assertTrue(ab.getMessage().contains("alpha - beta = 1"), ab.getMessage());
            LoupeException composite = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("composite", "epsilon-minus"), 1));
            assertTrue(composite.getMessage().contains("epsilon-gamma-box"), composite.getMessage());
            LoupeException misplaced = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("rules", "/relu1/Relu=z-plus"), 1));
            assertTrue(misplaced.getMessage().contains("/relu1/Relu") && misplaced.getMessage().contains("linear"),
                    misplaced.getMessage());
        }
    }

    /** A rule for a BatchNorm that the canonizer folds away would silently do nothing: it is refused. */
    @Test
    void aRuleForAFoldedBatchNormIsRefusedWithTheLayerToNameInstead() {
        try (ExplainableModel model = Shapes.model("model_bn.onnx")) {
            String bn = model.info().layers().stream().filter(l -> l.opType().equals("BatchNormalization"))
                    .findFirst().orElseThrow().nodeName();
            Tensor x = Shapes.inputs(1);
            Objective o = Shapes.objective(1);
            LoupeException folded = assertThrows(LoupeException.class,
                    () -> run(model, x, o, Map.of("rules", bn + "=epsilon"), 1));
            assertTrue(folded.getMessage().contains("folded into Conv '/conv1/Conv'")
                    && folded.getMessage().contains("merge-batchnorm=false"), folded.getMessage());
            run(model, x, o, Map.of("rules", bn + "=epsilon", "merge-batchnorm", "false"), 1);
        }
    }
}
