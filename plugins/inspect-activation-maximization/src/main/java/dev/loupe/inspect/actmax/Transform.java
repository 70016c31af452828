package dev.loupe.inspect.actmax;

/**
 * One random augmentation of a [C, H, W] image (Lucid's standard transforms): a circular shift
 * (jitter, {@code dy, dx} pixels), then scaling by {@code scale} and rotating by {@code degrees} about
 * the image centre, by bilinear resampling; samples falling outside the image read {@code fill} (a
 * constant, as Lucid's padding with 0.5). The map is affine, {@code out = A·in + b}: {@link #apply}
 * computes it, {@link #adjoint} applies Aᵀ (the transposed sampling: a scatter-add of the bilinear
 * weights, then the reverse shift), which carries gradients back.
 */
final class Transform {
    private final int channels;
    private final int h;
    private final int w;
    private final double fill;
    // per output pixel: 4 source indices (into the unshifted input, -1 outside) and weights
    private final int[] index;
    private final double[] weight;
    private final double[] outside;

    /**
     * @param channels C
     * @param h H
     * @param w W
     * @param dy vertical shift in pixels (positive: down)
     * @param dx horizontal shift in pixels (positive: right)
     * @param scale the zoom factor (&gt; 1 enlarges)
     * @param degrees the rotation, counter-clockwise
     * @param fill the value read outside the image
     */
    Transform(int channels, int h, int w, int dy, int dx, double scale, double degrees, double fill) {
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.fill = fill;
        int hw = h * w;
        index = new int[4 * hw];
        weight = new double[4 * hw];
        outside = new double[hw];
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        double t = Math.toRadians(degrees);
        double cos = Math.cos(t) / scale;
        double sin = Math.sin(t) / scale;
        boolean identity = scale == 1 && degrees == 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int q = y * w + x;
                // inverse map: where the output pixel comes from, in the shifted image
                double sy = identity ? y : cy + cos * (y - cy) - sin * (x - cx);
                double sx = identity ? x : cx + sin * (y - cy) + cos * (x - cx);
                int y0 = (int) Math.floor(sy);
                int x0 = (int) Math.floor(sx);
                double fy = sy - y0;
                double fx = sx - x0;
                double out = 0;
                for (int k = 0; k < 4; k++) {
                    int yy = y0 + (k >> 1);
                    int xx = x0 + (k & 1);
                    double wk = ((k >> 1) == 1 ? fy : 1 - fy) * ((k & 1) == 1 ? fx : 1 - fx);
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                        // the shifted image at (yy, xx) is the input at (yy - dy, xx - dx), circularly
                        int iy = Math.floorMod(yy - dy, h);
                        int ix = Math.floorMod(xx - dx, w);
                        index[4 * q + k] = iy * w + ix;
                        weight[4 * q + k] = wk;
                    } else {
                        index[4 * q + k] = -1;
                        out += wk;
                    }
                }
                outside[q] = out;
            }
        }
    }

    /** @return A·in + b, [C·H·W] */
    double[] apply(double[] in) {
        return map(in, fill);
    }

    /** @return A·in, the linear part alone */
    double[] linear(double[] in) {
        return map(in, 0);
    }

    private double[] map(double[] in, double fillValue) {
        int hw = h * w;
        double[] out = new double[channels * hw];
        for (int c = 0; c < channels; c++) {
            int base = c * hw;
            for (int q = 0; q < hw; q++) {
                double v = outside[q] * fillValue;
                for (int k = 0; k < 4; k++) {
                    int i = index[4 * q + k];
                    if (i >= 0) {
                        v += weight[4 * q + k] * in[base + i];
                    }
                }
                out[base + q] = v;
            }
        }
        return out;
    }

    /** @return Aᵀ·g, [C·H·W] */
    double[] adjoint(double[] g) {
        int hw = h * w;
        double[] out = new double[channels * hw];
        for (int c = 0; c < channels; c++) {
            int base = c * hw;
            for (int q = 0; q < hw; q++) {
                double gq = g[base + q];
                if (gq == 0) {
                    continue;
                }
                for (int k = 0; k < 4; k++) {
                    int i = index[4 * q + k];
                    if (i >= 0) {
                        out[base + i] += weight[4 * q + k] * gq;
                    }
                }
            }
        }
        return out;
    }
}
