package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.distribution.Launcher.Run;
import dev.loupe.testkit.TextLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the built-in modified-backward methods as the installation ships them, against the
 * peer references on the demo model, and on a real network (PaddleOCR's text-line orientation
 * classifier) with the conservation each method defines in its summary.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RelevanceMethodsIT extends BuiltInPluginsHome {
    private static final List<String> IDS = List.of("guided-backprop", "deconvnet", "guided-gradcam", "deeplift",
            "lrp", "excitation-backprop", "contrastive-excitation-backprop");
    private static final String POOL2 = "/pool2/MaxPool_output_0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theInstallationListsTheRelevanceMethods() throws Exception {
        assertListed(IDS);
    }

    @Test
    void relevanceMethodsMatchTheReferencesThroughTheCli() throws Exception {
        Path shapes = SharedFixtures.shapes();
        Path refs = shapes.resolve("refs");
        Path out = work.resolve("out");
        Run r = explain(shapes, "model.onnx", out, "--method", "guided-backprop,deconvnet,guided-gradcam,deeplift",
                "--layer", "/relu3/Relu_output_0", "--param", "deeplift.rule=captum");
        assertEquals(0, r.code(), r::toString);
        SharedFixtures.assertMatches(refs.resolve("guided_backprop.npy"), out.resolve("guided-backprop/attribution.npy"),
                1e-4);
        SharedFixtures.assertMatches(refs.resolve("deconvolution.npy"), out.resolve("deconvnet/attribution.npy"), 1e-4);
        SharedFixtures.assertMatches(refs.resolve("guided_gradcam.npy"), out.resolve("guided-gradcam/attribution.npy"),
                1e-3);
        SharedFixtures.assertMatches(refs.resolve("deeplift_rescale.npy"), out.resolve("deeplift/attribution.npy"),
                1e-3);

        // Captum's LRP keeps BatchNorm as a layer of its own; one method writes straight into --out
        Path bn = work.resolve("bn");
        r = explain(shapes, "model_bn.onnx", bn, "--method", "lrp", "--param", "composite=epsilon", "--param",
                "epsilon=1e-9", "--param", "merge-batchnorm=false");
        assertEquals(0, r.code(), r::toString);
        SharedFixtures.assertMatches(refs.resolve("captum_lrp_epsilon.npy"), bn.resolve("attribution.npy"), 1e-3);

        Path pool = work.resolve("pool");
        r = explain(shapes, "model.onnx", pool, "--method", "excitation-backprop,contrastive-excitation-backprop",
                "--layer", POOL2);
        assertEquals(0, r.code(), r::toString);
        SharedFixtures.assertMatches(refs.resolve("torchray_excitation_backprop.npy"),
                pool.resolve("excitation-backprop/attribution-layer.npy"), 1e-3);
        SharedFixtures.assertMatches(refs.resolve("torchray_contrastive_excitation_backprop.npy"),
                pool.resolve("contrastive-excitation-backprop/attribution-layer.npy"), 1e-3);
    }

    /**
     * PaddleOCR's orientation classifier (Conv, BatchNorm, hard-swish spelled as Mul and Div,
     * squeeze-and-excitation gates, pre-softmax scores) on rendered text lines: every method runs,
     * and DeepLIFT's summation-to-delta, LRP's conservation and Excitation Backprop's probability
     * mass are in the summaries.
     */
    @Test
    void everyMethodExplainsRealTextLinesAndReportsWhatItConserves() throws Exception {
        Path model = SharedFixtures.ppocrClassifier();
        TextLines.Batch lines = TextLines.batch(List.of(new TextLines.Line("Invoice 42", "DejaVuSans.ttf"),
                new TextLines.Line("Tax 58", "DejaVuSerif.ttf")), 192);
        Path input = work.resolve("lines.npy");
        Npy.write(input, lines.input());
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", model.toString(), "--input", input.toString(),
                "--method", String.join(",", IDS), "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        for (String id : IDS) {
            Tensor map = Npy.readFloats(out.resolve(id + "/attribution.npy"));
            assertEquals(2, map.shape()[0], id);
            assertEquals(TextLines.HEIGHT, map.shape()[2], id);
            double absSum = 0;
            for (float v : map.data()) {
                assertTrue(Float.isFinite(v), id + " has a non-finite value");
                absSum += Math.abs(v);
            }
            assertTrue(absSum > 0, id + " made an empty map");
        }
        JsonNode deeplift = summary(out, "deeplift");
        for (JsonNode delta : deeplift.get("convergenceDelta")) {
            assertTrue(Math.abs(delta.asDouble()) < 1e-3, "DeepLIFT's summation-to-delta: " + deeplift);
        }
        JsonNode lrp = summary(out, "lrp").get("details");
        assertEquals("epsilon-plus-flat", lrp.get("composite").asText());
        assertEquals(2, lrp.get("conservation").size(), lrp::toString);
        assertTrue(lrp.get("conservation").get(0).has("ratio"), lrp::toString);
        JsonNode eb = summary(out, "excitation-backprop").get("details");
        assertEquals(2, eb.get("probabilityMass").size(), eb::toString);
        assertArrayEquals(new long[] {2, 3, TextLines.HEIGHT, 192},
                Npy.readFloats(out.resolve("lrp/attribution.npy")).shape());
    }

    private JsonNode summary(Path out, String id) throws IOException {
        return JSON.readTree(out.resolve(id + "/summary.json").toFile());
    }

    private Run explain(Path shapes, String model, Path out, String... more) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("explain", "--model", shapes.resolve(model).toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--target", shapes.resolve("labels.npy").toString(),
                "--out", out.toString()));
        args.addAll(List.of(more));
        return loupe(args.toArray(String[]::new));
    }
}
