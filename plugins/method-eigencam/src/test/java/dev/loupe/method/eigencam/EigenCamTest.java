package dev.loupe.method.eigencam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.MapOps;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EigenCamTest {
    private static final int PLANE = 16 * 16;
    private static final int IMAGE = 64 * 64;

    @Test
    void matchesPytorchGradCamUpToTheSignOfTheComponent() {
        Attribution a = Shapes.explain(new EigenCam(), List.of(Shapes.LAYER), Map.of(), 32);
        Tensor ref = Shapes.reference("pgc_eigencam");
        for (int i = 0; i < 8; i++) {
            float[] expected = Arrays.copyOfRange(ref.data(), i * IMAGE, (i + 1) * IMAGE);
            float[] raw = Arrays.copyOfRange(a.layerMap().data(), i * PLANE, (i + 1) * PLANE);
            // numpy's SVD may return the opposite singular vector: then its map is that of −raw
            float[] ours = finish(raw);
            float[] flipped = raw.clone();
            for (int p = 0; p < PLANE; p++) {
                flipped[p] = -flipped[p];
            }
            float[] theirs = close(ours, expected) ? ours : finish(flipped);
            Fixtures.assertClose(expected, theirs, 1e-3, "pgc_eigencam input " + i);
            assertArrayEquals(Arrays.copyOfRange(a.map().data(), i * IMAGE, (i + 1) * IMAGE), ours, 1e-6f);
        }
    }

    @Test
    void eigenCamIgnoresTheClassAndEigenGradCamDoesNot() {
        int[] other = Shapes.labels().clone();
        for (int i = 0; i < other.length; i++) {
            other[i] = (other[i] + 1) % 4;
        }
        try (ExplainableModel model = Shapes.model()) {
            TestContext context = new TestContext(32);
            for (CamExplainer method : List.<CamExplainer>of(new EigenCam(), new EigenGradCam())) {
                Map<String, Object> params = ParameterSpec.resolve(method.descriptor().id(),
                        method.descriptor().parameters(), Map.of());
                float[] own = method.explain(model, Shapes.inputs(), new ExplanationRequest(
                        Shapes.objective(), List.of(), params), context).map().data();
                float[] otherClass = method.explain(model, Shapes.inputs(), new ExplanationRequest(
                        Objective.logit(other), List.of(), params), context).map().data();
                boolean same = Arrays.equals(own, otherClass);
                assertTrue(method instanceof EigenCam == same, method.descriptor().id() + " same for another class: "
                        + same);
            }
        }
    }

    /** pytorch-grad-cam's post-processing of one raw map. */
    private static float[] finish(float[] raw) {
        float[] scaled = MapOps.minMax(MapOps.relu(raw), PLANE, MapOps.MIN_MAX_EPSILON);
        return MapOps.minMax(MapOps.bilinear(scaled, 16, 16, 64, 64, false), IMAGE, MapOps.MIN_MAX_EPSILON);
    }

    private static boolean close(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-3) {
                return false;
            }
        }
        return true;
    }
}
