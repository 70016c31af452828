package dev.loupe.cam;

/** The map arithmetic every CAM shares, on plain row-major arrays of N maps. */
public final class MapOps {
    /** pytorch-grad-cam's guard when it divides by a map's maximum. */
    public static final double MIN_MAX_EPSILON = 1e-7;

    private MapOps() {
    }

    /** @return max(v, 0) elementwise, in a new array */
    public static float[] relu(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(v[i], 0f);
        }
        return out;
    }

    /**
     * Scales each map to [0, 1] in place as pytorch-grad-cam does: (m − min) / (max(m − min) + eps).
     *
     * @param maps N maps of {@code size} values each
     * @param size values per map
     * @param eps added to the divisor so a constant map becomes 0, not NaN
     * @return {@code maps}
     */
    public static float[] minMax(float[] maps, int size, double eps) {
        for (int start = 0; start < maps.length; start += size) {
            float min = Float.POSITIVE_INFINITY;
            for (int i = start; i < start + size; i++) {
                min = Math.min(min, maps[i]);
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int i = start; i < start + size; i++) {
                maps[i] -= min;
                max = Math.max(max, maps[i]);
            }
            float scale = (float) (1 / (eps + max));
            for (int i = start; i < start + size; i++) {
                maps[i] *= scale;
            }
        }
        return maps;
    }

    /**
     * Bilinear resampling of N maps, edges clamped. With half-pixel centres (PyTorch's
     * {@code align_corners=False}, OpenCV's INTER_LINEAR) output pixel {@code i} samples source
     * coordinate {@code (i + 0.5)·h/outH − 0.5}; with aligned corners
     * ({@code UpsamplingBilinear2d}) the corner pixels of both grids coincide.
     *
     * @param src N maps [N, h, w]
     * @param h source height
     * @param w source width
     * @param outH output height
     * @param outW output width
     * @param alignCorners corner-aligned instead of half-pixel centres
     * @return [N, outH, outW]
     */
    public static float[] bilinear(float[] src, int h, int w, int outH, int outW, boolean alignCorners) {
        int n = src.length / (h * w);
        Axis rows = new Axis(h, outH, alignCorners);
        Axis cols = new Axis(w, outW, alignCorners);
        float[] out = new float[n * outH * outW];
        for (int m = 0; m < n; m++) {
            int s = m * h * w;
            int d = m * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = s + rows.low[y] * w;
                int r1 = s + rows.high[y] * w;
                float fy = rows.frac[y];
                for (int x = 0; x < outW; x++) {
                    int c0 = cols.low[x];
                    int c1 = cols.high[x];
                    float fx = cols.frac[x];
                    float top = src[r0 + c0] + (src[r0 + c1] - src[r0 + c0]) * fx;
                    float bottom = src[r1 + c0] + (src[r1 + c1] - src[r1 + c0]) * fx;
                    out[d + y * outW + x] = top + (bottom - top) * fy;
                }
            }
        }
        return out;
    }

    /**
     * Nearest-neighbour resize of a stack of maps, as PyTorch's {@code interpolate(mode='nearest')}:
     * output pixel i reads source pixel floor(i · in / out).
     *
     * @param src [N, h, w]
     * @param h source height
     * @param w source width
     * @param outH output height
     * @param outW output width
     * @return [N, outH, outW]
     */
    public static float[] nearest(float[] src, int h, int w, int outH, int outW) {
        int n = src.length / (h * w);
        int[] rows = new int[outH];
        int[] cols = new int[outW];
        float rowScale = (float) h / outH;
        float colScale = (float) w / outW;
        for (int y = 0; y < outH; y++) {
            rows[y] = Math.min((int) Math.floor(y * rowScale), h - 1);
        }
        for (int x = 0; x < outW; x++) {
            cols[x] = Math.min((int) Math.floor(x * colScale), w - 1);
        }
        float[] out = new float[n * outH * outW];
        for (int m = 0; m < n; m++) {
            for (int y = 0; y < outH; y++) {
                int s = m * h * w + rows[y] * w;
                int d = (m * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    out[d + x] = src[s + cols[x]];
                }
            }
        }
        return out;
    }

    /** Source indices and weights along one axis. */
    private static final class Axis {
        final int[] low;
        final int[] high;
        final float[] frac;

        Axis(int in, int out, boolean alignCorners) {
            low = new int[out];
            high = new int[out];
            frac = new float[out];
            for (int i = 0; i < out; i++) {
                double c;
                if (alignCorners) {
                    c = out > 1 ? i * (double) (in - 1) / (out - 1) : 0;
                } else {
                    // negative coordinates clamp to the first pixel, as in PyTorch and OpenCV
                    c = Math.max((i + 0.5) * in / out - 0.5, 0);
                }
                int l = Math.min((int) Math.floor(c), in - 1);
                low[i] = l;
                high[i] = Math.min(l + 1, in - 1);
                frac[i] = (float) (c - l);
            }
        }
    }

    /**
     * Σ_k weights[n, k] · A[n, k] — the weighted channel sum of Grad-CAM and its relatives.
     *
     * @param layer the activations
     * @param weights [N, C]
     * @return the raw maps, [N, H, W]
     */
    public static float[] weightedSum(LayerValues layer, float[] weights) {
        int plane = layer.plane();
        float[] a = layer.activations();
        float[] out = new float[layer.images() * plane];
        for (int n = 0; n < layer.images(); n++) {
            for (int k = 0; k < layer.channels(); k++) {
                float wk = weights[n * layer.channels() + k];
                int s = layer.offset(n, k);
                for (int p = 0; p < plane; p++) {
                    out[n * plane + p] += wk * a[s + p];
                }
            }
        }
        return out;
    }
}
