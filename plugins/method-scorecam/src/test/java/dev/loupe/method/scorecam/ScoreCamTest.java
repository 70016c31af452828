package dev.loupe.method.scorecam;

import dev.loupe.api.Attribution;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreCamTest {
    @Test
    void matchesPytorchGradCam() {
        Attribution a = Shapes.explain(new ScoreCam(), List.of(Shapes.LAYER), Map.of(), 32);
        Shapes.assertMatches("pgc_scorecam", new Tensor(a.map().data(), new long[] {8, 64, 64}));
    }

    @Test
    void batchesMaySpanInputs() {
        Attribution a = Shapes.explain(new ScoreCam(), List.of(Shapes.LAYER), Map.of(), 64);
        Attribution b = Shapes.explain(new ScoreCam(), List.of(Shapes.LAYER), Map.of(), 37);
        Fixtures.assertClose(a.layerMap().data(), b.layerMap().data(), 1e-5, "batches of 37");
    }
}
