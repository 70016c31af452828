package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.api.Npy;
import dev.loupe.distribution.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the built-in gradient methods as the installation ships them — plugins in
 * {@code plugins/} on the real framework — on the demo model and against the peer references.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GradientMethodsIT extends BuiltInPluginsHome {
    private static final List<String> IDS = List.of("saliency", "gradient", "input-x-gradient", "smoothgrad",
            "integrated-gradients", "gradient-shap");

    @Test
    void theInstallationListsTheGradientMethods() throws Exception {
        Run r = assertListed(IDS);
        assertEquals("", r.err(), "a quiet run prints nothing on stderr");
    }

    /** The main job: {@code loupe explain} with no arguments explains the demo samples with IG. */
    @Test
    void explainWithNoArgumentsRunsIntegratedGradientsOnTheDemo() throws Exception {
        Run r = loupe("explain");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), "a quiet run prints nothing on stderr");
        assertTrue(r.out().startsWith("integrated-gradients: 8 input(s)") && r.out().contains("convergence delta"),
                r::toString);
        Path out = work.resolve("loupe-out");
        assertArrayEquals(new long[] {8, 3, 64, 64}, Npy.readFloats(out.resolve("attribution.npy")).shape());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(8, summary.get("convergenceDelta").size());
        assertEquals("gausslegendre", summary.get("parameters").get("method").asText());
        for (int i = 0; i < 8; i++) {
            assertTrue(Files.size(out.resolve("overlay-" + i + ".png")) > 0);
        }
    }

    @Test
    void gradientMethodsMatchCaptumThroughTheCli() throws Exception {
        Path shapes = SharedFixtures.shapes();
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", shapes.resolve("model.onnx").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--target", shapes.resolve("labels.npy").toString(),
                "--method", "saliency,gradient,input-x-gradient,integrated-gradients", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        Path refs = shapes.resolve("refs");
        SharedFixtures.assertMatches(refs.resolve("saliency.npy"), out.resolve("saliency/attribution.npy"), 1e-4);
        SharedFixtures.assertMatches(refs.resolve("gradient.npy"), out.resolve("gradient/attribution.npy"), 1e-4);
        SharedFixtures.assertMatches(refs.resolve("input_x_gradient.npy"),
                out.resolve("input-x-gradient/attribution.npy"), 1e-4);
        SharedFixtures.assertMatches(refs.resolve("integrated_gradients.npy"),
                out.resolve("integrated-gradients/attribution.npy"), 1e-3);
    }

    @Test
    void smoothGradWrapsAnotherPluginAndGradientShapRuns() throws Exception {
        // samples goes to both methods, wrap and wrap-params to smoothgrad only, seed to gradient-shap only
        Run r = loupe("explain", "--method", "smoothgrad,gradient-shap", "--param", "samples=4",
                "--param", "wrap=integrated-gradients", "--param", "wrap-params=steps=4",
                "--param", "gradient-shap.seed=3", "--out", "out");
        assertEquals(0, r.code(), r::toString);
        JsonNode smooth = new ObjectMapper().readTree(work.resolve("out/smoothgrad/summary.json").toFile());
        assertEquals("integrated-gradients", smooth.get("details").get("wrapped").asText());
        assertEquals(4, smooth.get("details").get("wrappedParameters").get("steps").asInt());
        assertEquals(0, smooth.get("parameters").get("seed").asInt());
        JsonNode shap = new ObjectMapper().readTree(work.resolve("out/gradient-shap/summary.json").toFile());
        assertEquals(4, shap.get("parameters").get("samples").asInt());
        assertEquals(3, shap.get("parameters").get("seed").asInt());
        assertTrue(r.out().lines().filter(l -> l.startsWith("gradient-shap:")).findFirst().orElseThrow()
                .contains("convergence delta"), r::toString);
        Run unknown = loupe("explain", "--method", "saliency,gradient", "--param", "steps=3", "--out", "x");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("none of the methods saliency, gradient has a parameter steps"), unknown::toString);
    }
}
