package dev.loupe.render;

import static dev.loupe.render.ColormapTest.assertColor;
import static dev.loupe.render.ColormapTest.blue;
import static dev.loupe.render.ColormapTest.green;
import static dev.loupe.render.ColormapTest.red;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.ChannelReduction;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapRendererTest {

    /** Unsigned, no clamping, opaque, viridis: the plain mapping from values to colours. */
    private static final HeatmapStyle PLAIN = HeatmapStyle.defaults().withClampPercentile(100).withOpacity(1);

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void knownMapGivesKnownColoursInThePngFile(@TempDir Path dir) throws Exception {
        Tensor map = new Tensor(new float[] {0, 1, 2, 3}, new long[] {1, 1, 2, 2});
        Path file = dir.resolve("sub/folder/map.png");
        Png.write(HeatmapRenderer.render(map, 0, null, PLAIN), file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(2, back.getWidth());
        assertEquals(2, back.getHeight());
        assertEquals(Colormap.VIRIDIS.rgb(0), rgb(back, 0, 0));
        assertEquals(Colormap.VIRIDIS.rgb(1 / 3.0), rgb(back, 1, 0));
        assertEquals(Colormap.VIRIDIS.rgb(2 / 3.0), rgb(back, 0, 1));
        assertEquals(Colormap.VIRIDIS.rgb(1), rgb(back, 1, 1));
        assertColor(0x440154, rgb(back, 0, 0), 0, "lowest value is viridis' dark end");
        assertColor(0xFDE725, rgb(back, 1, 1), 0, "highest value is viridis' bright end");
    }

    @Test
    void channelsAreReducedAndTheIndexPicksTheInput() {
        // two inputs, two channels; input 1 has |a| + |b| = {0, 2, 4, 6}
        float[] data = {9, 9, 9, 9, 9, 9, 9, 9, 0, 1, -2, 3, 0, 1, 2, -3};
        Heatmap hm = HeatmapRenderer.heatmap(new Tensor(data, new long[] {2, 2, 2, 2}), 1, PLAIN);
        assertFalse(hm.signed());
        assertEquals(0, hm.low());
        assertEquals(6, hm.high(), 1e-6);
        assertArrayEqualsWithin(new float[] {0, 1 / 3f, 2 / 3f, 1}, hm.values());
        // [N, H, W] maps work too
        Heatmap flat = HeatmapRenderer.heatmap(new Tensor(new float[] {0, 3}, new long[] {1, 1, 2}), 0, PLAIN);
        assertArrayEqualsWithin(new float[] {0, 1}, flat.values());
    }

    @Test
    void signedSumMapIsBlueWhiteRedOnASymmetricScale() {
        HeatmapStyle sum = PLAIN.withReduction(ChannelReduction.SUM);
        Tensor map = new Tensor(new float[] {-2, 0, 2}, new long[] {1, 1, 1, 3});
        Heatmap hm = HeatmapRenderer.heatmap(map, 0, sum);
        assertTrue(hm.signed());
        assertEquals(-2, hm.low());
        assertEquals(2, hm.high());
        BufferedImage img = HeatmapRenderer.render(map, 0, null, sum);
        assertEquals(0x0000FF, rgb(img, 0, 0), "negative is blue");
        assertEquals(0xFFFFFF, rgb(img, 1, 0), "zero is white");
        assertEquals(0xFF0000, rgb(img, 2, 0), "positive is red");

        // symmetric: a small negative next to a large positive is a pale blue, not full blue
        Tensor skewed = new Tensor(new float[] {-1, 0, 4}, new long[] {1, 1, 1, 3});
        Heatmap sk = HeatmapRenderer.heatmap(skewed, 0, sum);
        assertEquals(-4, sk.low());
        assertEquals(4, sk.high());
        assertEquals(0.375f, sk.values()[0], 1e-6);
        assertEquals(0.5f, sk.values()[1], 1e-6);
        int pale = rgb(HeatmapRenderer.render(skewed, 0, null, sum), 0, 0);
        assertTrue(blue(pale) == 255 && red(pale) > 150 && red(pale) == green(pale), Integer.toHexString(pale));

        // the same values reduced with abs-sum are unsigned and viridis
        Heatmap abs = HeatmapRenderer.heatmap(map, 0, PLAIN);
        assertFalse(abs.signed());
        assertEquals(Colormap.VIRIDIS.rgb(1), rgb(HeatmapRenderer.render(map, 0, null, PLAIN), 0, 0));
    }

    @Test
    void allPositiveSumMapIsUnsignedUnlessDivergingIsAsked() {
        Tensor map = new Tensor(new float[] {0, 1, 2}, new long[] {1, 1, 3});
        HeatmapStyle sum = PLAIN.withReduction(ChannelReduction.SUM);
        assertFalse(HeatmapRenderer.heatmap(map, 0, sum).signed());
        Heatmap asked = HeatmapRenderer.heatmap(map, 0, sum.withColormap(Colormap.DIVERGING));
        assertTrue(asked.signed());
        assertEquals(0xFFFFFF, rgb(HeatmapRenderer.render(map, 0, null, sum.withColormap(Colormap.DIVERGING)),
                0, 0), "zero stays white");
    }

    @Test
    void anOffsetMapStartsAtZeroUnlessTheFloorIsItsMinimum() {
        // RISE-like: every value far from zero, the differences small
        Tensor map = new Tensor(new float[] {10, 11, 12}, new long[] {1, 1, 3});
        Heatmap fromZero = HeatmapRenderer.heatmap(map, 0, PLAIN);
        assertArrayEquals(new float[] {10 / 12f, 11 / 12f, 1}, fromZero.values(), 1e-6f);
        assertEquals(0, fromZero.low());
        Heatmap fromMin = HeatmapRenderer.heatmap(map, 0, PLAIN.withFloorAtMinimum(true));
        assertArrayEquals(new float[] {0, 0.5f, 1}, fromMin.values(), 1e-6f);
        assertEquals(10, fromMin.low());
        assertEquals(12, fromMin.high());
        // with clamping the floor is the lower percentile, as the ceiling is the upper one
        float[] ramp = new float[101];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = 100 + i;
        }
        Heatmap clamped = HeatmapRenderer.heatmap(new Tensor(ramp, new long[] {1, 1, 101}), 0,
                PLAIN.withClampPercentile(90).withFloorAtMinimum(true));
        assertEquals(110, clamped.low(), 1e-9);
        assertEquals(190, clamped.high(), 1e-9);
        assertEquals(0, clamped.values()[5]);
        assertEquals(1, clamped.values()[95]);
        // a constant map has no range: drawn at the bottom of the scale, not as NaN
        Heatmap flat = HeatmapRenderer.heatmap(new Tensor(new float[] {3, 3}, new long[] {1, 1, 2}), 0,
                PLAIN.withFloorAtMinimum(true));
        assertArrayEquals(new float[] {0, 0}, flat.values());
        // signed maps keep their symmetric scale whatever the floor
        Tensor signed = new Tensor(new float[] {-1, 2}, new long[] {1, 1, 2});
        HeatmapStyle sum = PLAIN.withReduction(ChannelReduction.SUM);
        assertArrayEquals(HeatmapRenderer.heatmap(signed, 0, sum).values(),
                HeatmapRenderer.heatmap(signed, 0, sum.withFloorAtMinimum(true)).values());
    }

    @Test
    void opacityBlendsWithTheBackgroundExactly() {
        Tensor map = new Tensor(new float[] {0, 1}, new long[] {1, 1, 1, 2});
        float[] white = new float[3 * 2];
        Arrays.fill(white, 1f);
        Tensor images = new Tensor(white, new long[] {1, 3, 1, 2});
        BufferedImage img = HeatmapRenderer.render(map, 0, images, PLAIN.withOpacity(0.5));
        for (int x = 0; x < 2; x++) {
            int heat = Colormap.VIRIDIS.rgb(x);
            int expected = (int) ((red(heat) + 255) / 2.0) << 16 | (int) ((green(heat) + 255) / 2.0) << 8
                    | (int) ((blue(heat) + 255) / 2.0);
            assertColor(expected, rgb(img, x, 0), 1, "mean of white and the heat colour at x=" + x);
        }
        assertEquals(0xFFFFFF, rgb(HeatmapRenderer.render(map, 0, images, PLAIN.withOpacity(0)), 0, 0));
        assertEquals(Colormap.VIRIDIS.rgb(0), rgb(HeatmapRenderer.render(map, 0, images, PLAIN.withOpacity(1)), 0, 0));
    }

    @Test
    void backgroundIsResampledBilinearlyToTheMapSize() {
        // a grey 4×4 image, left half black and right half white, under a 2×2 map
        float[] img = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 2; x < 4; x++) {
                img[y * 4 + x] = 1;
            }
        }
        Tensor images = new Tensor(img, new long[] {1, 1, 4, 4});
        Tensor map = Tensor.zeros(1, 1, 2, 2);
        BufferedImage out = HeatmapRenderer.render(map, 0, images, PLAIN.withOpacity(0));
        assertEquals(2, out.getWidth());
        assertEquals(0x000000, rgb(out, 0, 1));
        assertEquals(0xFFFFFF, rgb(out, 1, 1));
    }

    @Test
    void imageShowsTheInputAtItsOwnSize() {
        Tensor rgbImage = new Tensor(new float[] {1, 0, 0, 0.5f, 0, 1}, new long[] {1, 3, 1, 2});
        BufferedImage img = HeatmapRenderer.image(rgbImage, 0);
        assertEquals(2, img.getWidth());
        assertEquals(1, img.getHeight());
        assertEquals(0xFF0000, rgb(img, 0, 0));
        assertEquals(0x0080FF, rgb(img, 1, 0));
        Tensor grey = new Tensor(new float[] {0, 1, 0.2f, 0.8f}, new long[] {2, 1, 1, 2});
        assertEquals(0xCCCCCC, rgb(HeatmapRenderer.image(grey, 1), 1, 0));
        // a mean/std-normalised input is stretched from its own min and max so it still shows
        Tensor normalised = new Tensor(new float[] {-2, 2}, new long[] {1, 1, 2});
        BufferedImage n = HeatmapRenderer.image(normalised, 0);
        assertEquals(0x000000, rgb(n, 0, 0));
        assertEquals(0xFFFFFF, rgb(n, 1, 0));
    }

    @Test
    void oneOutlierDoesNotWashOutTheRest() {
        int n = 20 * 20;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i / (float) (n - 1);
        }
        v[137] = 1000;
        Tensor map = new Tensor(v, new long[] {1, 1, 20, 20});
        Heatmap clamped = HeatmapRenderer.heatmap(map, 0, PLAIN.withClampPercentile(99));
        Heatmap raw = HeatmapRenderer.heatmap(map, 0, PLAIN);
        assertTrue(clamped.high() < 1.01, "clamped at the 99th percentile: " + clamped.high());
        float maxRest = 0;
        float maxRawRest = 0;
        for (int i = 0; i < n; i++) {
            if (i != 137) {
                maxRest = Math.max(maxRest, clamped.values()[i]);
                maxRawRest = Math.max(maxRawRest, raw.values()[i]);
            }
        }
        assertEquals(1f, clamped.values()[137], "the outlier is clamped to the top");
        assertTrue(maxRest >= 0.99f, "the rest spans the colour range: " + maxRest);
        assertTrue(maxRawRest < 0.01f, "without clamping the rest would be one colour: " + maxRawRest);
        BufferedImage img = HeatmapRenderer.render(map, 0, null, PLAIN.withClampPercentile(99));
        assertColor(Colormap.VIRIDIS.rgb(1), rgb(img, 19, 19), 3, "brightest ordinary pixel");
        assertEquals(Colormap.VIRIDIS.rgb(0), rgb(img, 0, 0));
    }

    @Test
    void smoothingSpreadsAnImpulseSymmetricallyAndKeepsItsMass() {
        int h = 21;
        int w = 21;
        float[] impulse = new float[h * w];
        impulse[10 * w + 10] = 1;
        double sigma = 1.5;
        float[] s = HeatmapRenderer.smooth(impulse, h, w, sigma);
        double mass = 0;
        for (float x : s) {
            mass += x;
        }
        assertEquals(1.0, mass, 1e-5);
        for (int d = 1; d <= 5; d++) {
            assertEquals(s[10 * w + 10 - d], s[10 * w + 10 + d], 1e-7, "left/right at " + d);
            assertEquals(s[(10 - d) * w + 10], s[(10 + d) * w + 10], 1e-7, "up/down at " + d);
            assertEquals(s[10 * w + 10 + d], s[(10 + d) * w + 10], 1e-7, "isotropic at " + d);
            assertTrue(s[10 * w + 10 + d] < s[10 * w + 10 + d - 1], "falls off at " + d);
            assertTrue(s[10 * w + 10 + d] > 0, "reaches radius ceil(3 sigma) = 5");
        }
        assertEquals(0f, s[10 * w + 16], "nothing beyond the radius");
        // the 1-D Gaussian at the centre: 1 / sum(exp(-j²/(2σ²))), squared for 2-D
        double norm = 0;
        for (int j = -5; j <= 5; j++) {
            norm += Math.exp(-j * j / (2 * sigma * sigma));
        }
        assertEquals(1 / (norm * norm), s[10 * w + 10], 1e-6);
        // through the style: an impulse map gets lit neighbours
        Heatmap hm = HeatmapRenderer.heatmap(new Tensor(impulse, new long[] {1, 1, h, w}), 0,
                PLAIN.withSmoothingSigma(sigma));
        assertTrue(hm.value(10, 11) > 0.3f && hm.value(10, 11) < 1f, "neighbour " + hm.value(10, 11));
        assertArrayEqualsWithin(impulse, HeatmapRenderer.smooth(impulse, h, w, 0));
    }

    @Test
    void colourBarWidensTheImageAndRunsFromTopToBottomOfTheColormap() {
        int size = 128;
        float[] v = new float[size * size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % size) - 40f;
        }
        Tensor map = new Tensor(v, new long[] {1, 1, size, size});
        for (HeatmapStyle style : new HeatmapStyle[] {PLAIN, PLAIN.withReduction(ChannelReduction.SUM)}) {
            BufferedImage plain = HeatmapRenderer.render(map, 0, null, style);
            BufferedImage barred = HeatmapRenderer.render(map, 0, null, style.withColorBar(true));
            assertEquals(size, plain.getWidth());
            assertEquals(size, barred.getHeight());
            assertTrue(barred.getWidth() > size + 20, "wider: " + barred.getWidth());
            for (int y = 0; y < size; y += 7) {
                for (int x = 0; x < size; x += 5) {
                    assertEquals(rgb(plain, x, y), rgb(barred, x, y), "map part unchanged");
                }
            }
            Colormap cmap = style.colormapFor(HeatmapRenderer.heatmap(map, 0, style).signed());
            int barColumn = findBar(barred, size, cmap);
            assertEquals(cmap.rgb(0), rgb(barred, barColumn, size - 1));
            if (cmap == Colormap.DIVERGING) {
                assertColor(0xFFFFFF, rgb(barred, barColumn, size / 2), 3, "signed bar is white in the middle");
            }
        }
    }

    @Test
    void colourBarEnlargesSmallMapsSoItsLabelsFit() {
        Tensor map = new Tensor(new float[] {0, 1, 2, 3}, new long[] {1, 1, 2, 2});
        BufferedImage barred = HeatmapRenderer.render(map, 0, null, PLAIN.withColorBar(true));
        assertEquals(HeatmapRenderer.COLOR_BAR_MIN_HEIGHT, barred.getHeight());
        assertEquals(Colormap.VIRIDIS.rgb(0), rgb(barred, 0, 0));
        assertEquals(Colormap.VIRIDIS.rgb(1), rgb(barred, 127, 127));
        assertEquals(Colormap.VIRIDIS.rgb(1 / 3.0), rgb(barred, 127, 0));
        int bar = findBar(barred, 128, Colormap.VIRIDIS);
        assertEquals(Colormap.VIRIDIS.rgb(0), rgb(barred, bar, 127));
    }

    /** The first column right of the map whose top pixel is the colormap's top colour. */
    private static int findBar(BufferedImage img, int from, Colormap cmap) {
        for (int x = from; x < img.getWidth(); x++) {
            if (rgb(img, x, 0) == cmap.rgb(1)) {
                return x;
            }
        }
        throw new AssertionError("no colour bar column with top colour " + Integer.toHexString(cmap.rgb(1)));
    }

    @Test
    void badShapesAndIndicesAreClearErrors() {
        assertThrows(LoupeException.class,
                () -> HeatmapRenderer.heatmap(new Tensor(new float[4], new long[] {2, 2}), 0, PLAIN));
        LoupeException index = assertThrows(LoupeException.class,
                () -> HeatmapRenderer.heatmap(Tensor.zeros(2, 1, 2, 2), 2, PLAIN));
        assertTrue(index.getMessage().contains("[2, 1, 2, 2]"), index.getMessage());
        assertThrows(LoupeException.class,
                () -> HeatmapRenderer.render(Tensor.zeros(1, 1, 2, 2), 0, Tensor.zeros(1, 4, 2, 2), PLAIN));
        assertThrows(LoupeException.class, () -> HeatmapRenderer.image(Tensor.zeros(1, 3, 2, 2), 1));
    }

    @Test
    void nonFiniteValuesCountAsZero() {
        Tensor map = new Tensor(new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 0}, new long[] {1, 2, 2});
        Heatmap hm = HeatmapRenderer.heatmap(map, 0, PLAIN);
        assertArrayEqualsWithin(new float[] {0, 1, 0, 0}, hm.values());
    }

    private static void assertArrayEqualsWithin(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "at " + i + ": " + Arrays.toString(actual));
        }
    }
}
