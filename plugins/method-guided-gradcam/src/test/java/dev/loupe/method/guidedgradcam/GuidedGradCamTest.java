package dev.loupe.method.guidedgradcam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.LoupeException;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuidedGradCamTest {
    private final GuidedGradCam method = new GuidedGradCam();

    @Test
    void matchesCaptumWithNearestUpsampling() {
        Attribution a = Shapes.explain(method, List.of(Shapes.LAYER), Map.of(), 32);
        Shapes.assertMatches("guided_gradcam", a.map());
        Shapes.assertMatches("gradcam_layer", a.layerMap());
        assertEquals(List.of(Shapes.LAYER), a.layers());
    }

    /** Bilinear is guided backprop times Captum's ReLU'd, bilinearly upsampled Grad-CAM. */
    @Test
    void bilinearIsGuidedBackpropTimesTheBilinearGradCam() {
        Attribution a = Shapes.explain(method, List.of(), Map.of("upsampling", "bilinear"), 32);
        float[] guided = Shapes.reference("guided_backprop").data();
        float[] cam = Shapes.reference("gradcam_relu_bilinear").data();
        float[] expected = new float[guided.length];
        for (int i = 0; i < guided.length; i++) {
            int image = i / (3 * 64 * 64);
            expected[i] = guided[i] * cam[image * 64 * 64 + i % (64 * 64)];
        }
        float[] actual = a.map().data();
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= 1e-3 * scale + 1e-6, "max error " + err + " of " + scale);
        float[] nearest = Shapes.explain(method, List.of(), Map.of(), 32).map().data();
        assertTrue(maxDiff(nearest, actual) > 1e-3 * scale, "bilinear and nearest should differ");
    }

    @Test
    void refusesSeveralLayers() {
        LoupeException e = assertThrows(LoupeException.class,
                () -> Shapes.explain(method, List.of(Shapes.LAYER, "/pool2/MaxPool_output_0"), Map.of(), 32));
        assertTrue(e.getMessage().contains("one layer"), e.getMessage());
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
