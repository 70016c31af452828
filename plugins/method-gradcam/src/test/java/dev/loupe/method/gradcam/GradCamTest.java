package dev.loupe.method.gradcam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.cam.LayerValues;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Tensor;
import dev.loupe.cam.MapOps;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradCamTest {
    private final GradCam gradCam = new GradCam();

    @Test
    void matchesCaptumAndPytorchGradCam() {
        Attribution a = Shapes.explain(gradCam, List.of(Shapes.LAYER), Map.of(), 32);
        Shapes.assertMatches("gradcam_layer", a.layerMap());
        float[] upsampled = MapOps.bilinear(MapOps.relu(a.layerMap().data()), 16, 16, 64, 64, false);
        Shapes.assertMatches("gradcam_relu_bilinear", new Tensor(upsampled, new long[] {8, 1, 64, 64}));
        Shapes.assertMatches("pgc_gradcam", new Tensor(a.map().data(), new long[] {8, 64, 64}));
        assertEquals(List.of(Shapes.LAYER), a.layers());
        assertArrayEquals(new long[] {8, 1, 64, 64}, a.map().shape());
    }

    @Test
    void autoIsTheLastFeatureMapAndNodeNamesResolveToTheSameLayer() {
        Attribution auto = Shapes.explain(gradCam, List.of(), Map.of(), 32);
        assertEquals(List.of(Shapes.LAYER), auto.layers());
        Attribution byNode = Shapes.explain(gradCam, List.of("/relu3/Relu", Shapes.LAYER), Map.of(), 32);
        assertEquals(List.of(Shapes.LAYER), byNode.layers());
        assertArrayEquals(auto.map().data(), byNode.map().data());
    }

    @Test
    void batchingDoesNotChangeTheMap() {
        Attribution all = Shapes.explain(gradCam, List.of(), Map.of(), 32);
        Attribution threes = Shapes.explain(gradCam, List.of(), Map.of(), 3);
        Fixtures.assertClose(all.layerMap().data(), threes.layerMap().data(), 1e-6, "batches of 3");
    }

    @Test
    void severalLayersAreAveragedAndAllRecorded() {
        String pool2 = "/pool2/MaxPool_output_0";
        Attribution a = Shapes.explain(gradCam, List.of(Shapes.LAYER, pool2), Map.of(), 32);
        assertEquals(List.of(Shapes.LAYER, pool2), a.layers());
        assertArrayEquals(new long[] {8, 2, 16, 16}, a.layerMap().shape());
        Attribution last = Shapes.explain(gradCam, List.of(Shapes.LAYER), Map.of(), 32);
        Attribution earlier = Shapes.explain(gradCam, List.of(pool2), Map.of(), 32);
        for (int i = 0; i < 8; i++) {
            for (int p = 0; p < 256; p++) {
                assertEquals(last.layerMap().data()[i * 256 + p], a.layerMap().data()[(i * 2) * 256 + p]);
                assertEquals(earlier.layerMap().data()[i * 256 + p], a.layerMap().data()[(i * 2 + 1) * 256 + p]);
            }
        }
        float max = 0;
        for (float v : a.map().data()) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max, 1e-5f);
    }

    @Test
    void refusesUnknownAndNonSpatialLayersClearly() {
        LoupeException unknown = assertThrows(LoupeException.class,
                () -> Shapes.explain(gradCam, List.of("relu9"), Map.of(), 32));
        assertTrue(unknown.getMessage().contains("/relu3/Relu_output_0"), unknown.getMessage());
        LoupeException flat = assertThrows(LoupeException.class,
                () -> Shapes.explain(gradCam, List.of("/Flatten_output_0"), Map.of(), 32));
        assertTrue(flat.getMessage().contains("[N, C, H, W]"), flat.getMessage());
    }

    @Test
    void formulaOnAHandComputedLayer() {
        // one image, channels A = [1, 3] and [2, 0], gradients [0.5, −1] and [2, 4]: mean gradients -0.25 and 3 weight the channels
        LayerValues layer = new LayerValues("l", 1, 2, 1, 2, new float[] {1, 3, 2, 0}, new float[] {0.5f, -1, 2, 4});
        assertArrayEquals(new float[] {5.75f, -0.75f}, gradCam.formula(null).rawMap(layer, null), 1e-6f);
    }
}
