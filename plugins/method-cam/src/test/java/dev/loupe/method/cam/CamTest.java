package dev.loupe.method.cam;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CamTest {
    @Test
    void isGradCamOnTheLastLayerAsTheTheorySays() {
        Attribution cam = Shapes.explain(new Cam(), List.of(), Map.of(), 32);
        // Grad-CAM's weights are the classifier's divided by H·W = 256; the normalised maps are equal
        Tensor gradCamLayer = Shapes.reference("gradcam_layer");
        float[] scaled = gradCamLayer.data().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 256;
        }
        Fixtures.assertClose(scaled, cam.layerMap().data(), 1e-4, "cam = 256 · raw Grad-CAM");
        Shapes.assertMatches("pgc_gradcam", new Tensor(cam.map().data(), new long[] {8, 64, 64}));
    }

    @Test
    void refusesALayerThatDoesNotFeedGlobalAveragePooling() {
        LoupeException e = assertThrows(LoupeException.class,
                () -> Shapes.explain(new Cam(), List.of("/pool2/MaxPool_output_0"), Map.of(), 32));
        assertTrue(e.getMessage().contains("global average pooling") && e.getMessage().contains("gradcam"),
                e.getMessage());
    }
}
