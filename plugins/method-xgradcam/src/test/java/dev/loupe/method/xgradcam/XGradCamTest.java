package dev.loupe.method.xgradcam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.loupe.api.Attribution;
import dev.loupe.cam.LayerValues;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XGradCamTest {
    @Test
    void matchesPytorchGradCam() {
        Attribution a = Shapes.explain(new XGradCam(), List.of(Shapes.LAYER), Map.of(), 32);
        Shapes.assertMatches("pgc_xgradcam", new Tensor(a.map().data(), new long[] {8, 64, 64}));
    }

    @Test
    void formulaOnAHandComputedLayer() {
        // one image, channels A = [1, 3] and [2, 0], gradients [0.5, −1] and [2, 4]: weights (0.5·1 − 1·3)/4 = −0.625 and (2·2 + 4·0)/2 = 2
        LayerValues layer = new LayerValues("l", 1, 2, 1, 2, new float[] {1, 3, 2, 0}, new float[] {0.5f, -1, 2, 4});
        assertArrayEquals(new float[] {3.375f, -1.875f}, new XGradCam().formula(null).rawMap(layer, null), 1e-6f);
    }
}
