package dev.loupe.render;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Tensor;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns an attribution into a heatmap picture: channel reduction, smoothing, percentile clamping,
 * normalisation, colouring, blending over the input and an optional colour bar. Every step is a choice
 * that changes what a reader sees, so each is named in a {@link HeatmapStyle} and none is hidden here.
 * Stateless and thread-safe; works headless.
 */
public final class HeatmapRenderer {

    /**
     * With a colour bar, maps shorter than this are first enlarged by a whole factor (nearest neighbour)
     * so that the bar's labels have room and stay legible.
     */
    public static final int COLOR_BAR_MIN_HEIGHT = 128;

    private static final int BAR_GAP = 8;
    private static final int BAR_WIDTH = 14;
    private static final int LABEL_GAP = 4;
    private static final int RIGHT_PAD = 6;

    private HeatmapRenderer() {
    }

    /**
     * Normalised values of one input's map after reduction, smoothing and clamping. Non-finite values
     * (a method that diverged) count as zero.
     *
     * @param map attributions [N, C, H, W] or [N, H, W]
     * @param index which input of the batch
     * @param style reduction, smoothing, clamping and (for whether an all-positive {@code sum} map is drawn
     *        signed) the colormap
     * @return the normalised heatmap; see {@link Heatmap} for how signed and unsigned maps are scaled
     * @throws LoupeException for another rank, an empty map or an index outside the batch
     */
    public static Heatmap heatmap(Tensor map, int index, HeatmapStyle style) {
        if (map == null) {
            throw new LoupeException("no attribution map to draw");
        }
        HeatmapStyle st = style == null ? HeatmapStyle.defaults() : style;
        long[] s = map.shape();
        if (s.length != 3 && s.length != 4) {
            throw new LoupeException("a heatmap needs a map [N, C, H, W] or [N, H, W]; got " + map.shapeString());
        }
        checkIndex(index, s[0], "map", map);
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        if (h < 1 || w < 1) {
            throw new LoupeException("cannot draw an empty map " + map.shapeString());
        }
        float[] v = st.reduction().apply(map.item(index)).data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                v[i] = 0;
            }
        }
        if (st.smoothingSigma() > 0) {
            v = smooth(v, h, w, st.smoothingSigma());
        }
        boolean negative = false;
        boolean positive = false;
        for (float x : v) {
            negative |= x < 0;
            positive |= x > 0;
        }
        boolean signed = st.reduction().signed()
                && ((negative && positive) || st.colormap() == Colormap.DIVERGING);
        float[] out = new float[v.length];
        double p = st.clampPercentile();
        if (signed) {
            float[] abs = new float[v.length];
            double max = 0;
            for (int i = 0; i < v.length; i++) {
                abs[i] = Math.abs(v[i]);
                max = Math.max(max, abs[i]);
            }
            double m = percentile(abs, p);
            if (!(m > 0)) {
                m = max > 0 ? max : 1;
            }
            for (int i = 0; i < v.length; i++) {
                double c = Math.max(-m, Math.min(m, v[i]));
                out[i] = (float) (0.5 + c / (2 * m));
            }
            return new Heatmap(out, h, w, true, -m, m);
        }
        double low = percentile(v, 100 - p);
        double high = percentile(v, p);
        if (!st.floorAtMinimum()) {
            low = Math.min(0, low);
            high = Math.max(0, high);
        }
        double range = high - low;
        for (int i = 0; i < v.length; i++) {
            double c = Math.max(low, Math.min(high, v[i]));
            out[i] = range > 0 ? (float) ((c - low) / range) : 0f;
        }
        return new Heatmap(out, h, w, false, low, high);
    }

    /**
     * The heatmap coloured and blended over the input image. The image is resampled bilinearly to the
     * map's size, so the result has the map's size (plus the colour bar, see {@link #COLOR_BAR_MIN_HEIGHT});
     * methods give maps at input resolution, so that is normally the input's size.
     *
     * @param map attributions [N, C, H, W] or [N, H, W]
     * @param index which input of the batch
     * @param images the inputs [N, 3 or 1, H', W'] (or [N, H', W']) with values in [0, 1] — images whose
     *        values leave [0, 1] (mean/std-normalised tensors) are rescaled from their own min and max to
     *        [0, 1] so they still show; {@code null} draws the heatmap opaque
     * @param style how to draw
     * @return an RGB image
     * @throws LoupeException for bad shapes or indices
     */
    public static BufferedImage render(Tensor map, int index, Tensor images, HeatmapStyle style) {
        HeatmapStyle st = style == null ? HeatmapStyle.defaults() : style;
        Heatmap hm = heatmap(map, index, st);
        double[][] background = images == null ? null : planes(images, index).resample(hm.height(), hm.width());
        return draw(hm, st.colormapFor(hm.signed()), background, st.opacity(), st.colorBar());
    }

    /**
     * An already normalised heatmap coloured over any picture, e.g. the original image file rather than
     * the preprocessed tensor. Only the style's colormap, opacity and colour bar apply here; reduction,
     * smoothing and clamping were applied when the heatmap was made.
     *
     * @param heatmap from {@link #heatmap(Tensor, int, HeatmapStyle)}
     * @param background resampled bilinearly to the heatmap's size; {@code null} draws the heatmap opaque
     * @param style colormap, opacity and colour bar
     * @return an RGB image
     */
    public static BufferedImage render(Heatmap heatmap, BufferedImage background, HeatmapStyle style) {
        HeatmapStyle st = style == null ? HeatmapStyle.defaults() : style;
        double[][] bg = background == null ? null
                : Planes.of(background).resample(heatmap.height(), heatmap.width());
        return draw(heatmap, st.colormapFor(heatmap.signed()), bg, st.opacity(), st.colorBar());
    }

    /**
     * The input image alone, as RGB at its own size: the first column of a comparison grid, the picture
     * beside a prediction.
     *
     * @param images [N, 3 or 1, H, W] (or [N, H, W]) with values in [0, 1]; other ranges are rescaled from
     *        the image's own min and max
     * @param index which input of the batch
     * @return an RGB image
     * @throws LoupeException for bad shapes or indices
     */
    public static BufferedImage image(Tensor images, int index) {
        Planes p = planes(images, index);
        BufferedImage img = new BufferedImage(p.width, p.height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < p.height; y++) {
            for (int x = 0; x < p.width; x++) {
                int i = y * p.width + x;
                img.setRGB(x, y, rgb(p.rgb[0][i], p.rgb[1][i], p.rgb[2][i]));
            }
        }
        return img;
    }

    /**
     * Gaussian smoothing with a separable kernel of radius ceil(3σ), normalised to sum 1, edges clamped
     * (the border pixel repeats). Mass is preserved away from the edges.
     */
    static float[] smooth(float[] v, int h, int w, double sigma) {
        if (!(sigma > 0)) {
            return v.clone();
        }
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int j = -r; j <= r; j++) {
            k[j + r] = Math.exp(-(double) j * j / (2 * sigma * sigma));
            sum += k[j + r];
        }
        for (int j = 0; j < k.length; j++) {
            k[j] /= sum;
        }
        double[] tmp = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int j = -r; j <= r; j++) {
                    acc += k[j + r] * v[y * w + Math.max(0, Math.min(w - 1, x + j))];
                }
                tmp[y * w + x] = acc;
            }
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int j = -r; j <= r; j++) {
                    acc += k[j + r] * tmp[Math.max(0, Math.min(h - 1, y + j)) * w + x];
                }
                out[y * w + x] = (float) acc;
            }
        }
        return out;
    }

    /** The p-th percentile (0..100) with linear interpolation between order statistics, as NumPy's default. */
    static double percentile(float[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = Math.max(0, Math.min(100, p)) / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double f = rank - lo;
        return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * f;
    }

    private static BufferedImage draw(Heatmap hm, Colormap cmap, double[][] background, double opacity,
            boolean colorBar) {
        int h = hm.height();
        int w = hm.width();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        float[] v = hm.values();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int c = cmap.rgb(v[i]);
                if (background != null) {
                    double a = opacity;
                    c = rgb((1 - a) * background[0][i] + a * ((c >> 16) & 0xFF),
                            (1 - a) * background[1][i] + a * ((c >> 8) & 0xFF),
                            (1 - a) * background[2][i] + a * (c & 0xFF));
                }
                img.setRGB(x, y, c);
            }
        }
        return colorBar ? withColorBar(img, hm, cmap) : img;
    }

    private static BufferedImage withColorBar(BufferedImage map, Heatmap hm, Colormap cmap) {
        int k = map.getHeight() >= COLOR_BAR_MIN_HEIGHT ? 1
                : (COLOR_BAR_MIN_HEIGHT + map.getHeight() - 1) / map.getHeight();
        int mw = map.getWidth() * k;
        int h = map.getHeight() * k;
        String top = Canvas.number(hm.high());
        String bottom = Canvas.number(hm.low());
        String middle = hm.signed() ? "0" : null;
        Font font = Canvas.font(11, false);
        FontMetrics fm = Canvas.metrics(font);
        int labelWidth = Math.max(fm.stringWidth(top), fm.stringWidth(bottom));
        if (middle != null) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(middle));
        }
        int barX = mw + BAR_GAP;
        BufferedImage out = Canvas.white(barX + BAR_WIDTH + LABEL_GAP + labelWidth + RIGHT_PAD, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < mw; x++) {
                out.setRGB(x, y, map.getRGB(x / k, y / k) & 0xFFFFFF);
            }
            int c = cmap.rgb(h == 1 ? 1 : 1 - y / (double) (h - 1));
            for (int x = barX; x < barX + BAR_WIDTH; x++) {
                out.setRGB(x, y, c);
            }
        }
        Graphics2D g = Canvas.graphics(out);
        try {
            g.setFont(font);
            g.setColor(Canvas.TEXT);
            int tx = barX + BAR_WIDTH + LABEL_GAP;
            g.drawString(top, tx, fm.getAscent());
            g.drawString(bottom, tx, h - fm.getDescent());
            if (middle != null) {
                g.drawString(middle, tx, h / 2 + (fm.getAscent() - fm.getDescent()) / 2);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static int rgb(double r, double g, double b) {
        return (clamp255(r) << 16) | (clamp255(g) << 8) | clamp255(b);
    }

    private static int clamp255(double v) {
        return (int) Math.round(Math.max(0, Math.min(255, v)));
    }

    private static void checkIndex(int index, long n, String what, Tensor t) {
        if (index < 0 || index >= n) {
            throw new LoupeException("input " + index + " is outside the " + what + " batch " + t.shapeString());
        }
    }

    private static Planes planes(Tensor images, int index) {
        if (images == null) {
            throw new LoupeException("no input images to draw");
        }
        long[] s = images.shape();
        if (s.length != 3 && s.length != 4) {
            throw new LoupeException("input images must be [N, 3 or 1, H, W] or [N, H, W]; got "
                    + images.shapeString());
        }
        int c = s.length == 4 ? (int) s[1] : 1;
        if (c != 1 && c != 3) {
            throw new LoupeException("input images need 3 (RGB) or 1 (grey) channels; got " + images.shapeString());
        }
        checkIndex(index, s[0], "image", images);
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        if (h < 1 || w < 1) {
            throw new LoupeException("cannot draw an empty image " + images.shapeString());
        }
        int plane = h * w;
        float[] data = images.data();
        int base = index * c * plane;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = base; i < base + c * plane; i++) {
            if (Float.isFinite(data[i])) {
                min = Math.min(min, data[i]);
                max = Math.max(max, data[i]);
            }
        }
        double offset = 0;
        double scale = 255;
        if (min < -1e-3 || max > 1 + 1e-3) {
            offset = min;
            scale = max > min ? 255 / (max - min) : 0;
        }
        double[][] rgb = new double[3][plane];
        for (int ch = 0; ch < 3; ch++) {
            int src = base + (c == 1 ? 0 : ch) * plane;
            for (int i = 0; i < plane; i++) {
                float x = data[src + i];
                rgb[ch][i] = Float.isFinite(x) ? (x - offset) * scale : 0;
            }
        }
        return new Planes(rgb, h, w);
    }

    /** An RGB picture as three planes of values in [0, 255], unrounded so blending rounds only once. */
    private record Planes(double[][] rgb, int height, int width) {

        static Planes of(BufferedImage image) {
            int h = image.getHeight();
            int w = image.getWidth();
            double[][] rgb = new double[3][h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int c = image.getRGB(x, y);
                    rgb[0][y * w + x] = (c >> 16) & 0xFF;
                    rgb[1][y * w + x] = (c >> 8) & 0xFF;
                    rgb[2][y * w + x] = c & 0xFF;
                }
            }
            return new Planes(rgb, h, w);
        }

        /** Bilinear, pixel centres aligned (align_corners=False), edges clamped. */
        double[][] resample(int h, int w) {
            if (h == height && w == width) {
                return rgb;
            }
            double[][] out = new double[3][h * w];
            for (int y = 0; y < h; y++) {
                double sy = Math.max(0, Math.min(height - 1, (y + 0.5) * height / h - 0.5));
                int y0 = (int) sy;
                int y1 = Math.min(y0 + 1, height - 1);
                double fy = sy - y0;
                for (int x = 0; x < w; x++) {
                    double sx = Math.max(0, Math.min(width - 1, (x + 0.5) * width / w - 0.5));
                    int x0 = (int) sx;
                    int x1 = Math.min(x0 + 1, width - 1);
                    double fx = sx - x0;
                    for (int ch = 0; ch < 3; ch++) {
                        double[] p = rgb[ch];
                        double a = p[y0 * width + x0] * (1 - fx) + p[y0 * width + x1] * fx;
                        double b = p[y1 * width + x0] * (1 - fx) + p[y1 * width + x1] * fx;
                        out[ch][y * w + x] = a * (1 - fy) + b * fy;
                    }
                }
            }
            return out;
        }
    }
}
