package dev.loupe.platform.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.Tensor;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.render.HeatmapStyle;
import dev.loupe.render.LineChart;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonReportTest {

    @Test
    void curvesAreAveragedOverInputsOrTakenPerRandomisationStep() {
        Metric.Result deletion = new Metric.Result("deletion", Map.of("score", 0.5),
                Map.of("input-0", List.of(1.0, 0.5, 0.0), "input-1", List.of(0.0, 0.5, 1.0)));
        LineChart.Series mean = ComparisonReport.meanCurve("m", deletion);
        assertArrayEquals(new double[] {0, 0.5, 1}, mean.x(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, mean.y(), 1e-12);
        Metric.Result sanity = new Metric.Result("sanity", Map.of(), Map.of("spearman", List.of(1.0, 0.4, 0.1),
                "spearman-input-0", List.of(1.0, 0.0, 0.0)));
        assertArrayEquals(new double[] {1, 0.4, 0.1}, ComparisonReport.meanCurve("m", sanity).y(), 1e-12);
        assertArrayEquals(new double[] {0, 1, 2}, ComparisonReport.meanCurve("m", sanity).x(), 1e-12);
        assertNull(ComparisonReport.meanCurve("m", new Metric.Result("x", Map.of("score", 1.0), Map.of())));
    }

    /** Two inputs, two methods: the grid has an image column and a column per method; the page embeds them all. */
    @Test
    void theGridAndThePageHoldEveryMethod(@TempDir Path dir) throws Exception {
        Tensor images = new Tensor(new float[2 * 3 * 4 * 4], new long[] {2, 3, 4, 4});
        InputBatch batch = new InputBatch(images, images, List.of("a.png", "b.png"));
        Prediction prediction = Prediction.of(new Tensor(new float[] {1, 0, 0, 1}, new long[] {2, 2}),
                List.of("cat", "dog"), 2);
        ComparisonReport report = new ComparisonReport(batch, prediction, Map.of("model", "m.onnx"),
                HeatmapStyle.defaults());
        float[] ramp = new float[2 * 16];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i % 16;
        }
        for (String id : List.of("saliency", "gradcam")) {
            report.add(new Attribution(id, new Tensor(ramp, new long[] {2, 1, 4, 4}), null, new int[] {0, 1},
                    Map.of("abs", true), List.of(), null, Map.of("total", 3.0), Map.of()));
        }
        MetricDescriptor deletion = new MetricDescriptor("deletion", "Deletion", "Petsiuk et al. 2018", false,
                List.of(), "d");
        report.score("saliency", deletion, new Metric.Result("deletion", Map.of("score", 0.25),
                Map.of("input-0", List.of(1.0, 0.0))));
        report.failed("rise", "needs FORWARD");
        BufferedImage grid = report.grid();
        assertTrue(grid.getWidth() > 3 * 160 && grid.getHeight() > 2 * 160, grid.getWidth() + "x" + grid.getHeight());
        Path html = report.write(dir);
        assertTrue(Files.size(dir.resolve("grid.png")) > 0);
        String page = Files.readString(html);
        for (String expected : List.of("saliency", "gradcam", "cat", "dog", "m.onnx", "0.25", "needs FORWARD")) {
            assertTrue(page.contains(expected), expected);
        }
        // grid + two input images + 2 methods × 2 maps + the deletion chart
        assertEquals(1 + 2 + 4 + 1, page.split("data:image/png;base64,", -1).length - 1);
    }
}
