package dev.loupe.method.gradcamplusplus;

import dev.loupe.api.Attribution;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradCamPlusPlusTest {
    @Test
    void matchesPytorchGradCam() {
        Attribution a = Shapes.explain(new GradCamPlusPlus(), List.of(Shapes.LAYER), Map.of(), 32);
        Shapes.assertMatches("pgc_gradcam_plusplus", new Tensor(a.map().data(), new long[] {8, 64, 64}));
    }
}
