package dev.loupe.method.layercam;

import dev.loupe.api.Attribution;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerCamTest {
    @Test
    void matchesPytorchGradCam() {
        Attribution a = Shapes.explain(new LayerCam(), List.of(Shapes.LAYER), Map.of(), 32);
        Shapes.assertMatches("pgc_layercam", new Tensor(a.map().data(), new long[] {8, 64, 64}));
    }
}
