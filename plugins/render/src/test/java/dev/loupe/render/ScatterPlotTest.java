package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScatterPlotTest {

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    /** @return {count, mean x, mean y, min x, max x} of the pixels of exactly this colour in columns [x0, x1) */
    private static double[] pixels(BufferedImage img, int colour, int x0, int x1) {
        return pixels(img, colour, x0, x1, 0, img.getHeight());
    }

    /** @return {count, mean x, mean y, min x, max x} of the pixels of this colour in [x0, x1) × [y0, y1) */
    private static double[] pixels(BufferedImage img, int colour, int x0, int x1, int y0, int y1) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double minX = Double.MAX_VALUE;
        double maxX = -1;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (rgb(img, x, y) == colour) {
                    n++;
                    sx += x;
                    sy += y;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                }
            }
        }
        return new double[] {n, sx / n, sy / n, minX, maxX};
    }

    @Test
    void eachPointIsDrawnInItsClassColourWhereItLiesWithALegend() {
        // class 0 at the bottom left, class 1 at the top right, class 2 at the bottom right
        double[] x = {0, 0.02, 1, 0.98, 1, 0.98};
        double[] y = {0, 0.02, 1, 0.98, 0, 0.02};
        int[] labels = {0, 0, 1, 1, 2, 2};
        BufferedImage plot = ScatterPlot.draw("t-SNE", x, y, labels, List.of("circle", "square", "triangle"), null,
                480, 360);
        assertEquals(480, plot.getWidth());
        assertEquals(360, plot.getHeight());
        // the legend is at the top right, beside the plot's frame: its swatches lie right of every point
        double[] legend0 = pixels(plot, LineChart.seriesColor(0), 380, 480, 0, 120);
        double[] legend1 = pixels(plot, LineChart.seriesColor(1), 380, 480, 0, 120);
        double[] legend2 = pixels(plot, LineChart.seriesColor(2), 380, 480, 0, 120);
        assertTrue(legend0[0] > 10 && legend2[0] > 10, "legend swatches of classes 0 and 2 at the right");
        assertTrue(legend2[2] > legend0[2], "legend in label order, top to bottom");
        assertEquals(0, pixels(plot, LineChart.seriesColor(3), 0, 480)[0], "no swatch for an absent class");
        int plotRight = (int) legend0[3] - 4;
        assertEquals(legend0[3], legend2[3], 1, "swatches in one column");
        assertTrue(legend1[1] > pixels(plot, LineChart.seriesColor(1), 0, plotRight)[4], "legend right of the points");
        double[] c0 = pixels(plot, LineChart.seriesColor(0), 0, plotRight);
        double[] c1 = pixels(plot, LineChart.seriesColor(1), 0, plotRight);
        double[] c2 = pixels(plot, LineChart.seriesColor(2), 0, plotRight);
        assertTrue(c0[0] >= 20 && c1[0] >= 20 && c2[0] >= 20, "every class has a dot: " + c0[0] + " " + c1[0]
                + " " + c2[0]);
        assertTrue(c1[1] > c0[1] + 200, "class 1 right of class 0");
        assertTrue(c1[2] < c0[2] - 150, "class 1 above class 0");
        assertEquals(c1[1], c2[1], 3, "classes 1 and 2 in one column");
        assertEquals(c0[2], c2[2], 3, "classes 0 and 2 in one row");
        // the corners of the image stay white
        assertEquals(0xFFFFFF, rgb(plot, 1, 1));
        // a legend needs its text: dark pixels right of the swatches
        boolean text = false;
        for (int px = (int) legend0[4] + 4; px < 480 && !text; px++) {
            for (int py = (int) legend0[2] - 6; py <= legend0[2] + 6; py++) {
                text |= rgb(plot, px, py) == 0x222222 || (rgb(plot, px, py) & 0xFF) < 0x80;
            }
        }
        assertTrue(text, "legend text beside the swatch");
    }

    @Test
    void withoutLabelsAllPointsShareTheFirstColourAndThereIsNoLegend() {
        double[] x = {0, 1, 2};
        double[] y = {2, 1, 0};
        BufferedImage plot = ScatterPlot.draw(null, x, y, null, null, null, 300, 200);
        double[] all = pixels(plot, LineChart.seriesColor(0), 0, 300);
        assertTrue(all[0] > 30);
        assertTrue(all[4] < 290, "nothing at the right edge: no legend");
        // one point alone and flat, non-finite and empty inputs still draw
        assertEquals(200, ScatterPlot.draw("", new double[] {1}, new double[] {1}, new int[] {5}, List.of(), null,
                200, 200).getHeight());
        assertEquals(200, ScatterPlot.draw("", new double[] {1, Double.NaN}, new double[] {1, 2}, null, null, null,
                200, 200).getHeight());
        assertEquals(200, ScatterPlot.draw("", new double[0], new double[0], null, null, null, 200, 200).getHeight());
    }

    @Test
    void thumbnailsAreDrawnAtTheirPointsFramedInTheClassColour() {
        BufferedImage magenta = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < 64; py++) {
            for (int px = 0; px < 64; px++) {
                magenta.setRGB(px, py, 0xFF00FF);
            }
        }
        // a thumbnail at the top left, a dot at the bottom right (the legend is at the top right)
        double[] x = {0, 1};
        double[] y = {1, 0};
        List<BufferedImage> thumbs = new ArrayList<>(Arrays.asList(magenta, null));
        BufferedImage plot = ScatterPlot.draw("thumbs", x, y, new int[] {0, 1}, List.of("a", "b"), thumbs, 480, 480);
        double[] m = pixels(plot, 0xFF00FF, 0, 480);
        assertTrue(m[0] >= 300, "a thumbnail's worth of magenta: " + m[0]);
        double[] dot = pixels(plot, LineChart.seriesColor(1), 0, 480, 240, 480);
        assertTrue(dot[0] > 20, "the second point's dot");
        assertTrue(m[1] < dot[1] - 200 && m[2] < dot[2] - 200, "the thumbnail sits at the top-left point");
        double[] frame = pixels(plot, LineChart.seriesColor(0), 0, 400);
        assertEquals(m[1], frame[1], 4, "framed in class 0's colour around it");
        assertEquals(m[2], frame[2], 4);
    }

    @Test
    void badInputIsAClearError() {
        LoupeException lengths = assertThrows(LoupeException.class,
                () -> ScatterPlot.draw("t", new double[3], new double[4], null, null, null, 300, 200));
        assertTrue(lengths.getMessage().contains("3") && lengths.getMessage().contains("4"), lengths.getMessage());
        LoupeException labels = assertThrows(LoupeException.class,
                () -> ScatterPlot.draw("t", new double[3], new double[3], new int[2], null, null, 300, 200));
        assertTrue(labels.getMessage().contains("labels"), labels.getMessage());
        assertThrows(LoupeException.class,
                () -> ScatterPlot.draw("t", new double[2], new double[2], null, null, List.of(), 300, 200));
        assertThrows(LoupeException.class,
                () -> ScatterPlot.draw("t", new double[1], new double[1], new int[] {-1}, null, null, 300, 200));
        assertThrows(LoupeException.class, () -> ScatterPlot.draw("t", null, new double[1], null, null, null, 300, 200));
        assertThrows(LoupeException.class,
                () -> ScatterPlot.draw("t", new double[1], new double[1], null, null, null, 50, 50));
        assertFalse(ScatterPlot.MIN_WIDTH > 200);
    }
}
