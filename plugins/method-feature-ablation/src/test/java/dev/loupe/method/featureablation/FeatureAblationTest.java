package dev.loupe.method.featureablation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureAblationTest {

    static Attribution run(ExplainableModel model, Tensor inputs, Objective objective, Map<String, String> params,
            int batch) {
        FeatureAblation method = new FeatureAblation();
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(FeatureAblation.ID, method.descriptor().parameters(), params));
        return method.explain(model, inputs, request, new TestContext(batch));
    }

    @Test
    void matchesCaptumOnAGridOfEightByEightCells() {
        // the reference's mask: 8×8 cells of 8×8 pixels, cell id = row*8+col, the same for all channels
        Attribution a = Shapes.explain(new FeatureAblation(), List.of(), Map.of("mask", "grid:8", "baseline", "0"), 32);
        printDeviation("feature_ablation_grid8", a.map());
        Shapes.assertMatches("feature_ablation_grid8", a.map());
    }

    @Test
    void anNpyMaskGivesWhatTheSameGridGives(@TempDir Path dir) throws Exception {
        long[] ids = new long[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                // ids spaced by 10: compacted, the features are the same cells
                ids[y * 64 + x] = 10L * ((y / 16) * 4 + x / 16);
            }
        }
        Path mask = dir.resolve("cells.npy");
        Npy.writeLongs(mask, ids, 64, 64);
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Tensor fromGrid = run(model, x, Shapes.objective(2), Map.of("mask", "grid:16"), 3).map();
            Tensor fromNpy = run(model, x, Shapes.objective(2), Map.of("mask", mask.toString()), 32).map();
            assertArrayEquals(fromGrid.data(), fromNpy.data(), 1e-6f);
        }
    }

    @Test
    void aLinearModelGetsEachGroupsContribution() {
        // f(x) = w·x + b, baseline 0: removing group g drops the score by Σ_{k∈g} w_k x_k
        int h = 4;
        int w = 6;
        float[] weights = new float[2 * h * w];
        float[] x = new float[weights.length];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = (float) Math.sin(k + 1);
            x[k] = (float) Math.cos(3 * k);
        }
        FunctionModel linear = new FunctionModel("linear", new long[] {2, h, w}, 1,
                in -> in.reshape(in.getShape().get(0), -1)
                        .matMul(in.getManager().create(weights, new Shape(weights.length, 1))).add(0.25f));
        Tensor inputs = new Tensor(x, new long[] {1, 2, h, w});
        // cells of 3×4 elements: rows 0-2 and 3, columns 0-3 and 4-5 (the last row and column of cells cut)
        Tensor map = run(linear, inputs, Objective.logit(0), Map.of("mask", "grid:3x4"), 2).map();
        double[] group = new double[4];
        for (int c = 0; c < 2; c++) {
            for (int r = 0; r < h; r++) {
                for (int q = 0; q < w; q++) {
                    int k = (c * h + r) * w + q;
                    group[(r / 3) * 2 + q / 4] += weights[k] * x[k];
                }
            }
        }
        for (int c = 0; c < 2; c++) {
            for (int r = 0; r < h; r++) {
                for (int q = 0; q < w; q++) {
                    int k = (c * h + r) * w + q;
                    assertEquals(group[(r / 3) * 2 + q / 4], map.data()[k], 1e-5, "element " + k);
                }
            }
        }
    }

    @Test
    void badMasksSayWhatIsWrong(@TempDir Path dir) throws Exception {
        FunctionModel sum = new FunctionModel("sum", new long[] {3, 4, 4}, 1,
                in -> in.reshape(in.getShape().get(0), -1).sum(new int[] {1}, true));
        Tensor inputs = new Tensor(new float[48], new long[] {1, 3, 4, 4});
        Path wrong = dir.resolve("wrong.npy");
        Npy.writeLongs(wrong, new long[25], 5, 5);
        LoupeException shape = assertThrows(LoupeException.class,
                () -> run(sum, inputs, Objective.logit(0), Map.of("mask", wrong.toString()), 2));
        assertTrue(shape.getMessage().contains("[5, 5], which does not broadcast to the inputs' shape [1, 3, 4, 4]"),
                shape.getMessage());
        LoupeException missing = assertThrows(LoupeException.class,
                () -> run(sum, inputs, Objective.logit(0), Map.of("mask", dir.resolve("none.npy").toString()), 2));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        LoupeException form = assertThrows(LoupeException.class,
                () -> run(sum, inputs, Objective.logit(0), Map.of("mask", "cells"), 2));
        assertTrue(form.getMessage().contains("grid:S"), form.getMessage());
    }

    /** Prints max|a − b| / max|b| against a reference, for the record. */
    static void printDeviation(String name, Tensor actual) {
        float[] b = Shapes.reference(name).data();
        double worst = 0;
        double scale = 0;
        for (int k = 0; k < b.length; k++) {
            worst = Math.max(worst, Math.abs(actual.data()[k] - b[k]));
            scale = Math.max(scale, Math.abs(b[k]));
        }
        System.out.printf("%s: max|a-b| = %.3g, relative to max|b| %.3g%n", name, worst, worst / scale);
    }
}
