package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.distribution.Launcher.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the built-in perturbation methods as the installation ships them, through the CLI,
 * against Captum's references on the demo model, on the forward-only ONNX Runtime backend.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PerturbationMethodsIT extends BuiltInPluginsHome {
    private static final List<String> IDS = List.of("occlusion", "feature-ablation", "rise", "lime", "kernel-shap",
            "shapley-sampling");

    @Test
    void theInstallationListsThePerturbationMethods() throws Exception {
        assertListed(IDS);
    }

    /** ONNX Runtime offers FORWARD only: enough for every perturbation method. */
    @Test
    void occlusionAndFeatureAblationMatchCaptumOnOnnxRuntime() throws Exception {
        Path shapes = SharedFixtures.shapes();
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", shapes.resolve("model.onnx").toString(), "--backend", "onnxruntime",
                "--input", shapes.resolve("inputs.npy").toString(), "--target", shapes.resolve("labels.npy").toString(),
                "--method", "occlusion,feature-ablation", "--param", "occlusion.window=8,8", "--param",
                "occlusion.stride=4,4", "--param", "feature-ablation.mask=grid:8", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        Path refs = shapes.resolve("refs");
        SharedFixtures.assertMatches(refs.resolve("occlusion_w8_s4.npy"), out.resolve("occlusion/attribution.npy"),
                1e-4);
        SharedFixtures.assertMatches(refs.resolve("feature_ablation_grid8.npy"),
                out.resolve("feature-ablation/attribution.npy"), 1e-4);
    }

    @Test
    void everyPerturbationMethodExplainsTheDemo() throws Exception {
        Run r = loupe("explain", "--method", String.join(",", IDS), "--param", "rise.masks=500", "--param",
                "kernel-shap.samples=300", "--param", "lime.samples=300", "--out", "out");
        assertEquals(0, r.code(), r::toString);
        for (String id : IDS) {
            Tensor map = Npy.readFloats(work.resolve("out/" + id + "/attribution.npy"));
            assertEquals(8, map.shape()[0], id);
            assertArrayEquals(new long[] {64, 64}, new long[] {map.shape()[2], map.shape()[3]}, id);
            double abs = 0;
            for (float v : map.data()) {
                assertTrue(Float.isFinite(v), id);
                abs += Math.abs(v);
            }
            assertTrue(abs > 0, id + " made an empty map");
        }
    }
}
