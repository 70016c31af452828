package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineChartTest {

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    private static boolean columnHas(BufferedImage img, int x, int colour) {
        for (int y = 0; y < img.getHeight(); y++) {
            if (rgb(img, x, y) == colour) {
                return true;
            }
        }
        return false;
    }

    @Test
    void drawsTheSeriesInTheirColoursWithALegend() {
        double[] fraction = new double[101];
        double[] flat = new double[101];
        double[] falling = new double[101];
        for (int i = 0; i <= 100; i++) {
            fraction[i] = i / 100.0;
            flat[i] = 0.5;
            falling[i] = Math.exp(-5 * fraction[i]);
        }
        BufferedImage chart = LineChart.draw("Deletion", "fraction of pixels removed", "class probability",
                List.of(new LineChart.Series("constant", fraction, flat), new LineChart.Series("gradcam", fraction,
                        falling)), 480, 320);
        assertEquals(480, chart.getWidth());
        assertEquals(320, chart.getHeight());
        int first = LineChart.seriesColor(0);
        int second = LineChart.seriesColor(1);
        assertEquals(0x1F77B4, first);
        // the flat line crosses the middle of the plot; the legend is at the right, out of these columns
        for (int x = 150; x <= 300; x += 50) {
            assertTrue(columnHas(chart, x, first), "series 0 colour in column " + x);
        }
        boolean legend = false;
        for (int x = 380; x < 480 && !legend; x++) {
            legend = columnHas(chart, x, second);
        }
        assertTrue(legend, "legend swatch of series 1 at the right");
        assertFalse(columnHas(chart, 2, first), "nothing of the series in the left margin");
    }

    @Test
    void emptyAndFlatAndBrokenSeriesStillDraw() {
        assertEquals(200, LineChart.draw(null, null, null, List.of(), 200, 150).getWidth());
        BufferedImage one = LineChart.draw("", "", "", List.of(LineChart.Series.of("point", 3.0)), 200, 150);
        assertEquals(150, one.getHeight());
        BufferedImage gap = LineChart.draw("t", "x", "y",
                List.of(LineChart.Series.of("with NaN", 1, 2, Double.NaN, 4, 5)), 300, 200);
        assertEquals(300, gap.getWidth());
    }

    @Test
    void badInputIsAClearError() {
        LoupeException lengths = assertThrows(LoupeException.class,
                () -> LineChart.draw("t", "x", "y", List.of(new LineChart.Series("curve", new double[3],
                        new double[4])), 300, 200));
        assertTrue(lengths.getMessage().contains("curve") && lengths.getMessage().contains("3")
                && lengths.getMessage().contains("4"), lengths.getMessage());
        assertThrows(LoupeException.class, () -> LineChart.draw("t", "x", "y", null, 300, 200));
        assertThrows(LoupeException.class, () -> LineChart.draw("t", "x", "y", List.of(), 50, 50));
    }

    @Test
    void ticksAreNiceNumbers() {
        assertEquals(0.2, LineChart.niceStep(1), 1e-12);
        assertEquals(2, LineChart.niceStep(10), 1e-12);
        assertEquals(5, LineChart.niceStep(23), 1e-12);
        assertEquals(0.001, LineChart.niceStep(0.006), 1e-15);
    }
}
