package dev.loupe.platform.io;

import dev.loupe.api.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * A heatmap over its input image: channels aggregated by absolute maximum, clamped to the 1st–99th
 * percentiles of the aggregated map and stretched between them (so a few extreme elements do not
 * wash out the rest), coloured with a blue-to-red ramp and blended at 50 %. (The render
 * plugin offers the full set of aggregations and colour maps.)
 */
public final class Overlay {
    private static final float OPACITY = 0.5f;

    private Overlay() {
    }

    /**
     * @param map the attribution of one input, [1, C, H, W]
     * @param background the input in [0,1], [1, 3 or 1, H', W'] (sampled to the map's size)
     * @param file the PNG to write
     * @throws IOException if writing fails
     */
    public static void write(Tensor map, Tensor background, Path file) throws IOException {
        long[] s = map.shape();
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        float[] heat = new float[h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < h * w; p++) {
                heat[p] = Math.max(heat[p], Math.abs(map.data()[ch * h * w + p]));
            }
        }
        float low = percentile(heat, 0.01);
        float top = percentile(heat, 0.99);
        int bc = (int) background.shape()[1];
        int bh = (int) background.shape()[2];
        int bw = (int) background.shape()[3];
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int by = y * bh / h;
                int bx = x * bw / w;
                float[] rgb = new float[3];
                for (int ch = 0; ch < 3; ch++) {
                    rgb[ch] = background.data()[Math.min(ch, bc - 1) * bh * bw + by * bw + bx];
                }
                float v = top > low ? clamp((heat[y * w + x] - low) / (top - low)) : 0f;
                float[] col = ramp(v);
                int r = blend(rgb[0], col[0]);
                int g = blend(rgb[1], col[1]);
                int b = blend(rgb[2], col[2]);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static int blend(float base, float heat) {
        float v = (1 - OPACITY) * Math.max(0, Math.min(1, base)) + OPACITY * heat;
        return Math.round(255 * v);
    }

    /** Blue (0) through cyan, yellow to red (1), the classic jet ramp. */
    static float[] ramp(float v) {
        float r = clamp(1.5f - Math.abs(4 * v - 3));
        float g = clamp(1.5f - Math.abs(4 * v - 2));
        float b = clamp(1.5f - Math.abs(4 * v - 1));
        return new float[] {r, g, b};
    }

    private static float clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }

    static float percentile(float[] values, double q) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
    }
}
