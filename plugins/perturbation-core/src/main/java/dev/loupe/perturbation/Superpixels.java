package dev.loupe.perturbation;

import java.util.Arrays;

/**
 * Superpixels of an image by SLIC (Achanta et al. 2012, SLIC Superpixels Compared to State-of-the-Art
 * Superpixel Methods): k-means on colour and position with each centre searching only a window of
 * twice the grid step, then small or disconnected fragments merged into a neighbour. Returned as
 * plain labels, one int per pixel numbered {@code 0 .. count − 1}.
 *
 * <p>Colour is the image's own channels (any number; no conversion to Lab, since a model input need
 * not be RGB), stretched per image to {@code [0, 100]} — one minimum and maximum over all channels —
 * so that the input's normalisation does not matter and {@code compactness} has the scale it has in
 * scikit-image for Lab images (default 10): the colour distance that weighs as much as one grid step.
 *
 * <p>Written here rather than taken from BoofCV (1.2.2): its SLIC updates each centre with soft
 * weights {@code 1 − d / Σd} over every nearby centre, which blurs the centres' colours — its
 * superpixels crossed a clean two-colour edge at every compactness tried — and the packages its
 * factory reaches (DDogleg, GeoRegression, more of EJML) would have grown this bundle from 0.6 MB to
 * 3.2 MB.
 */
public final class Superpixels {
    /** The default compactness: colour distance (on the 0–100 scale) that weighs as much as one grid step. */
    public static final double DEFAULT_COMPACTNESS = 10;
    private static final int ITERATIONS = 10;
    private static final float RANGE = 100f;

    private Superpixels() {
    }

    /**
     * SLIC superpixels of one image.
     *
     * @param image the values, channel-major ({@code C × H × W}), from {@code offset} on
     * @param offset the image's first position in {@code image}
     * @param channels C
     * @param height H
     * @param width W
     * @param regions about how many superpixels to make (SLIC places a centre per grid cell; merging
     *     fragments may leave fewer)
     * @param compactness the weight of position against colour; larger gives squarer superpixels
     * @return the label of each pixel, {@code H × W} row-major, numbered from 0 without gaps in raster order
     */
    public static int[] slic(float[] image, int offset, int channels, int height, int width, int regions,
            double compactness) {
        if (channels < 1 || height < 1 || width < 1 || regions < 1 || !(compactness >= 0)) {
            throw new IllegalArgumentException("slic needs a non-empty image, at least one region and a"
                    + " compactness of 0 or more");
        }
        int plane = height * width;
        float[] colour = stretch(image, offset, channels * plane);
        // a grid of ny × nx centres with about `regions` cells, each about step × step pixels
        double step = Math.sqrt((double) plane / Math.min(regions, plane));
        int ny = Math.max(1, (int) Math.round(height / step));
        int nx = Math.max(1, (int) Math.round(width / step));
        int k = ny * nx;
        double[] cy = new double[k];
        double[] cx = new double[k];
        double[] cc = new double[k * channels];
        for (int i = 0; i < ny; i++) {
            for (int j = 0; j < nx; j++) {
                int c = i * nx + j;
                int y = (int) ((i + 0.5) * height / ny);
                int x = (int) ((j + 0.5) * width / nx);
                int[] best = lowestGradient(colour, channels, height, width, y, x);
                cy[c] = best[0];
                cx[c] = best[1];
                for (int ch = 0; ch < channels; ch++) {
                    cc[c * channels + ch] = colour[ch * plane + best[0] * width + best[1]];
                }
            }
        }
        int[] label = new int[plane];
        double[] distance = new double[plane];
        double spatial = (compactness / step) * (compactness / step);
        int window = (int) Math.ceil(step);
        double[] sum = new double[k * (channels + 3)];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            Arrays.fill(label, -1);
            Arrays.fill(distance, Double.POSITIVE_INFINITY);
            for (int c = 0; c < k; c++) {
                int y0 = Math.max(0, (int) cy[c] - window);
                int y1 = Math.min(height, (int) cy[c] + window + 1);
                int x0 = Math.max(0, (int) cx[c] - window);
                int x1 = Math.min(width, (int) cx[c] + window + 1);
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int p = y * width + x;
                        double d = 0;
                        for (int ch = 0; ch < channels; ch++) {
                            double e = colour[ch * plane + p] - cc[c * channels + ch];
                            d += e * e;
                        }
                        d += spatial * ((y - cy[c]) * (y - cy[c]) + (x - cx[c]) * (x - cx[c]));
                        if (d < distance[p]) {
                            distance[p] = d;
                            label[p] = c;
                        }
                    }
                }
            }
            // move each centre to the mean position and colour of its pixels
            Arrays.fill(sum, 0);
            int stride = channels + 3;
            for (int p = 0; p < plane; p++) {
                int c = label[p];
                if (c < 0) {
                    continue;
                }
                sum[c * stride] += 1;
                sum[c * stride + 1] += p / width;
                sum[c * stride + 2] += p % width;
                for (int ch = 0; ch < channels; ch++) {
                    sum[c * stride + 3 + ch] += colour[ch * plane + p];
                }
            }
            for (int c = 0; c < k; c++) {
                double n = sum[c * stride];
                if (n > 0) {
                    cy[c] = sum[c * stride + 1] / n;
                    cx[c] = sum[c * stride + 2] / n;
                    for (int ch = 0; ch < channels; ch++) {
                        cc[c * channels + ch] = sum[c * stride + 3 + ch] / n;
                    }
                }
            }
        }
        return connected(label, height, width, Math.max(1, plane / k / 4));
    }

    /** @return the number of superpixels: the largest label plus one */
    public static int count(int[] labels) {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    private static float[] stretch(float[] image, int offset, int size) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + size; i++) {
            min = Math.min(min, image[i]);
            max = Math.max(max, image[i]);
        }
        float scale = max > min ? RANGE / (max - min) : 0f;
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (image[offset + i] - min) * scale;
        }
        return out;
    }

    /** Seeds move to the lowest colour gradient in their 3 × 3 neighbourhood, off edges and noise. */
    private static int[] lowestGradient(float[] colour, int channels, int height, int width, int y, int x) {
        int plane = height * width;
        int[] best = {y, x};
        double lowest = Double.POSITIVE_INFINITY;
        for (int yy = Math.max(1, y - 1); yy <= Math.min(height - 2, y + 1); yy++) {
            for (int xx = Math.max(1, x - 1); xx <= Math.min(width - 2, x + 1); xx++) {
                double g = 0;
                for (int ch = 0; ch < channels; ch++) {
                    int p = ch * plane + yy * width + xx;
                    double gx = colour[p + 1] - colour[p - 1];
                    double gy = colour[p + width] - colour[p - width];
                    g += gx * gx + gy * gy;
                }
                if (g < lowest) {
                    lowest = g;
                    best = new int[] {yy, xx};
                }
            }
        }
        return best;
    }

    /**
     * Makes every superpixel one 4-connected piece: pieces of a k-means label become their own
     * superpixels, and pieces smaller than {@code minSize} join the superpixel met just before them in
     * raster order (as in Achanta et al.'s reference code). Unassigned pixels (-1) are pieces too.
     */
    private static int[] connected(int[] label, int height, int width, int minSize) {
        int plane = height * width;
        int[] out = new int[plane];
        Arrays.fill(out, -1);
        int[] queue = new int[plane];
        int next = 0;
        for (int start = 0; start < plane; start++) {
            if (out[start] >= 0) {
                continue;
            }
            // a neighbour already numbered, for a piece too small to stand alone
            int adjacent = -1;
            int sy = start / width;
            int sx = start % width;
            if (sx > 0 && out[start - 1] >= 0) {
                adjacent = out[start - 1];
            } else if (sy > 0 && out[start - width] >= 0) {
                adjacent = out[start - width];
            }
            int size = 0;
            queue[size++] = start;
            out[start] = next;
            for (int head = 0; head < size; head++) {
                int p = queue[head];
                int y = p / width;
                int x = p % width;
                for (int d = 0; d < 4; d++) {
                    int yy = y + (d == 0 ? -1 : d == 1 ? 1 : 0);
                    int xx = x + (d == 2 ? -1 : d == 3 ? 1 : 0);
                    if (yy < 0 || yy >= height || xx < 0 || xx >= width) {
                        continue;
                    }
                    int q = yy * width + xx;
                    if (out[q] < 0 && label[q] == label[start]) {
                        out[q] = next;
                        queue[size++] = q;
                    }
                }
            }
            if (size < minSize && adjacent >= 0) {
                for (int i = 0; i < size; i++) {
                    out[queue[i]] = adjacent;
                }
            } else {
                next++;
            }
        }
        return out;
    }
}
