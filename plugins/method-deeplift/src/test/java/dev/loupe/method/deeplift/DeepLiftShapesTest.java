package dev.loupe.method.deeplift;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DeepLIFT on the shapes network against Captum 0.8.0's {@code DeepLift} (Rescale, zero baseline). */
class DeepLiftShapesTest {
    private final DeepLift deeplift = new DeepLift();

    @Test
    void rescaleMatchesCaptum() {
        Attribution a = Shapes.explain(deeplift, List.of(), Map.of("rule", "captum"), 32);
        float[] ref = Shapes.reference("deeplift_rescale").data();
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - a.map().data()[i]));
        }
        System.out.printf("deeplift_rescale: max|a-b| = %.3g, tolerance %.3g%n", maxDiff, 1e-3 * maxRef + 1e-6);
        for (int i = 0; i < 8; i++) {
            double sa = 0, sr = 0, md = 0, mr = 0;
            for (int p = i * 12288; p < (i + 1) * 12288; p++) {
                sa += a.map().data()[p];
                sr += ref[p];
                md = Math.max(md, Math.abs(ref[p] - a.map().data()[p]));
                mr = Math.max(mr, Math.abs(ref[p]));
            }
            System.out.println("input " + i + " delta " + a.convergenceDelta()[i] + " sum " + sa + " refsum " + sr
                    + " maxdiff " + md + " maxref " + mr);
        }
        Shapes.assertMatches("deeplift_rescale", a.map());
    }
}
