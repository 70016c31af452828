package dev.loupe.method.rise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnxruntime.OnnxRuntimeBackend;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RiseTest {
    private final Rise rise = new Rise();

    private ExplanationRequest request(Objective objective, Map<String, String> params) {
        return new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(Rise.ID, rise.descriptor().parameters(), params));
    }

    /** A score with no linear shortcut: class 0 is Σ a·x², class 1 is Σ tanh(b·x). */
    private static final long[] ITEM = {2, 12, 10};
    private static final int SIZE = 2 * 12 * 10;

    private static float[] weights(long seed) {
        Random r = new Random(seed);
        float[] a = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static double score(float[] x, int offset, int target, float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < SIZE; i++) {
            s += target == 0 ? a[i] * x[offset + i] * x[offset + i] : Math.tanh(b[i] * x[offset + i]);
        }
        return s;
    }

    private static FunctionModel model(float[] a, float[] b) {
        return new FunctionModel("quadratic-tanh", ITEM, 2, x -> {
            NDArray flat = x.reshape(x.getShape().get(0), SIZE);
            NDArray wa = x.getManager().create(a);
            NDArray wb = x.getManager().create(b);
            NDArray s0 = flat.square().mul(wa).sum(new int[] {1}, true);
            NDArray s1 = flat.mul(wb).tanh().sum(new int[] {1}, true);
            return s0.concat(s1, 1);
        });
    }

    /**
     * The mask by its definition, written plainly: the whole pattern upsampled to (grid + 1) cells by
     * bilinear interpolation at half-pixel centres (edges held), then the crop at the shift.
     */
    private static float[] definedMask(RiseMasks masks, int n, int h, int w) {
        int s = masks.grid();
        int upH = (s + 1) * ((h + s - 1) / s);
        int upW = (s + 1) * ((w + s - 1) / s);
        float[][] up = new float[upH][upW];
        for (int oy = 0; oy < upH; oy++) {
            for (int ox = 0; ox < upW; ox++) {
                double sy = clamp((oy + 0.5) * s / upH - 0.5, s);
                double sx = clamp((ox + 0.5) * s / upW - 0.5, s);
                int y0 = (int) sy;
                int x0 = (int) sx;
                int y1 = Math.min(y0 + 1, s - 1);
                int x1 = Math.min(x0 + 1, s - 1);
                double fy = sy - y0;
                double fx = sx - x0;
                up[oy][ox] = (float) ((1 - fy) * ((1 - fx) * masks.cell(n, y0, x0) + fx * masks.cell(n, y0, x1))
                        + fy * ((1 - fx) * masks.cell(n, y1, x0) + fx * masks.cell(n, y1, x1)));
            }
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = up[y + masks.shiftY(n)][x + masks.shiftX(n)];
            }
        }
        return out;
    }

    private static double clamp(double v, int s) {
        return Math.min(Math.max(v, 0), s - 1);
    }

    @Test
    void saliencyIsTheScoreWeightedSumOfTheMasksOverNp() {
        int h = 12;
        int w = 10;
        int grid = 3;
        int count = 37;
        double p = 0.4;
        Random r = new Random(7);
        float[] patterns = new float[count * grid * grid];
        int[] sy = new int[count];
        int[] sx = new int[count];
        for (int n = 0; n < count; n++) {
            for (int c = 0; c < grid * grid; c++) {
                patterns[n * grid * grid + c] = r.nextDouble() < p ? 1 : 0;
            }
            sy[n] = r.nextInt(4);
            sx[n] = r.nextInt(4);
        }
        RiseMasks masks = new RiseMasks(grid, h, w, patterns, sy, sx);
        float[] a = weights(1);
        float[] b = weights(2);
        float[] x = new float[2 * SIZE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Tensor inputs = new Tensor(x, new long[] {2, 2, h, w});
        int[] targets = {0, 1};
        for (float baseline : new float[] {0f, 0.3f}) {
            ExplanationRequest req = request(Objective.logit(targets),
                    Map.of("p", String.valueOf(p), "baseline", String.valueOf(baseline)));
            Attribution got = rise.explain(model(a, b), inputs, req, new TestContext(5), masks);
            assertArrayEquals(new long[] {2, 1, h, w}, got.map().shape());
            for (int i = 0; i < 2; i++) {
                double[] expected = new double[h * w];
                for (int n = 0; n < count; n++) {
                    float[] m = definedMask(masks, n, h, w);
                    float[] masked = new float[SIZE];
                    for (int c = 0; c < 2; c++) {
                        for (int q = 0; q < h * w; q++) {
                            masked[c * h * w + q] = baseline + m[q] * (x[i * SIZE + c * h * w + q] - baseline);
                        }
                    }
                    double score = score(masked, 0, targets[i], a, b);
                    for (int q = 0; q < h * w; q++) {
                        expected[q] += score * m[q];
                    }
                }
                for (int q = 0; q < h * w; q++) {
                    double e = expected[q] / (count * p);
                    assertEquals(e, got.map().data()[i * h * w + q], 1e-5 * Math.max(1, Math.abs(e)),
                            "input " + i + " pixel " + q + " baseline " + baseline);
                }
            }
        }
    }

    @Test
    void randomMasksKeepAboutPOfEachPixelAndDependOnTheSeedOnly() {
        RiseMasks m = RiseMasks.random(2000, 7, 0.3, 64, 48, 11);
        float[] mask = new float[64 * 48];
        float[] rows = new float[7 * 48];
        double mean = 0;
        for (int n = 0; n < m.count(); n++) {
            m.mask(n, mask, rows);
            for (float v : mask) {
                assertTrue(v >= 0 && v <= 1, "a mask value is a convex combination of 0s and 1s");
                mean += v;
            }
            assertTrue(m.shiftY(n) < 10 && m.shiftX(n) < 7, "shifts stay within a cell (10 x 7 pixels)");
        }
        assertEquals(0.3, mean / (m.count() * 64.0 * 48), 0.01);
        RiseMasks again = RiseMasks.random(2000, 7, 0.3, 64, 48, 11);
        RiseMasks other = RiseMasks.random(2000, 7, 0.3, 64, 48, 12);
        boolean differs = false;
        for (int n = 0; n < m.count(); n++) {
            assertEquals(m.shiftY(n), again.shiftY(n));
            assertEquals(m.cell(n, 3, 4), again.cell(n, 3, 4));
            differs |= m.cell(n, 3, 4) != other.cell(n, 3, 4);
        }
        assertTrue(differs, "another seed, other masks");
    }

    @Test
    void theBatchPlanDoesNotChangeTheMap() {
        try (ExplainableModel model = Shapes.model()) {
            ExplanationRequest req = request(Shapes.objective(3), Map.of("masks", "150", "seed", "5"));
            Tensor small = rise.explain(model, Shapes.inputs(3), req, new TestContext(3)).map();
            Tensor large = rise.explain(model, Shapes.inputs(3), req, new TestContext(32)).map();
            Fixtures.assertClose(large, small, 1e-6, "batch 3 against batch 32");
        }
    }

    /**
     * On the shapes network RISE's map concentrates on the object: its mean over the object's pixels
     * exceeds its mean over the background, clearly (by a fifth of the map's range), on at least 7 of
     * the 8 images.
     */
    @Test
    void onTheShapesNetworkTheMapLiesOnTheObject() {
        Attribution a = Shapes.explain(rise, List.of(), Map.of("masks", "1000"), 64);
        Tensor masks = Fixtures.npy(Shapes.file("masks.npy"));
        int hits = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            double contrast = Shapes.objectContrast(a.map().item(i).data(), masks.item(i).data());
            report.append(String.format(" %.2f", contrast));
            hits += contrast > 0.2 ? 1 : 0;
        }
        assertTrue(hits >= 7, "object-background contrast per image:" + report);
    }

    /** ONNX Runtime offers forward passes only, and that is all RISE needs: the same map as on the ONNX backend. */
    @Test
    void runsOnTheForwardOnlyOnnxRuntimeBackend() {
        ExplanationRequest req = request(Shapes.objective(2), Map.of("masks", "200", "seed", "9"));
        Tensor reference;
        try (ExplainableModel model = Shapes.model()) {
            reference = rise.explain(model, Shapes.inputs(2), req, new TestContext(64)).map();
        }
        try (ExplainableModel ort = new OnnxRuntimeBackend().load(ModelSource.of(Shapes.file("model.onnx")))) {
            assertEquals(Set.of(Capability.FORWARD), ort.capabilities());
            Tensor got = rise.explain(ort, Shapes.inputs(2), req, new TestContext(64)).map();
            Fixtures.assertClose(reference, got, 1e-4, "ONNX Runtime against the ONNX backend");
        }
    }

    @Test
    void refusesNonImagesAndGridsFinerThanTheImage() {
        FunctionModel flat = new FunctionModel("flat", new long[] {4}, 1, x -> x.sum(new int[] {1}, true));
        ExplanationRequest plain = request(Objective.logit(0), Map.of());
        LoupeException e = assertThrows(LoupeException.class, () -> rise.explain(flat,
                new Tensor(new float[4], new long[] {1, 4}), plain, new TestContext(8)));
        assertTrue(e.getMessage().contains("[N, C, H, W]"), e.getMessage());
        FunctionModel tiny = new FunctionModel("tiny", new long[] {1, 4, 4}, 1, x -> x.sum(new int[] {1, 2, 3}, true)
                .reshape(-1, 1));
        Tensor image = new Tensor(new float[16], new long[] {1, 1, 4, 4});
        e = assertThrows(LoupeException.class, () -> rise.explain(tiny, image, plain, new TestContext(8)));
        assertTrue(e.getMessage().contains("grid=4"), e.getMessage());
    }
}
