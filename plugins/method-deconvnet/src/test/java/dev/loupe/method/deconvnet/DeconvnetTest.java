package dev.loupe.method.deconvnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeconvnetTest {
    private final Deconvnet method = new Deconvnet();

    @Test
    void matchesCaptum() {
        Shapes.assertMatches("deconvolution", Shapes.explain(method, List.of(), Map.of(), 32).map());
    }

    @Test
    void batchingDoesNotChangeTheMap() {
        Attribution all = Shapes.explain(method, List.of(), Map.of(), 32);
        Attribution threes = Shapes.explain(method, List.of(), Map.of(), 3);
        Fixtures.assertClose(all.map().data(), threes.map().data(), 1e-6, "batches of 3");
    }

    /** The rule really changes the backward: the plain gradient is a different map. */
    @Test
    void differsFromThePlainGradient() {
        float[] deconv = Shapes.explain(method, List.of(), Map.of(), 32).map().data();
        float[] plain = Shapes.reference("gradient").data();
        double maxDiff = 0;
        for (int i = 0; i < plain.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(deconv[i] - plain[i]));
        }
        assertTrue(maxDiff > 1e-3, "deconvnet equals the gradient: " + maxDiff);
    }
}
