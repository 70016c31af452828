package dev.loupe.inspect.actmax;

import java.util.Random;

/**
 * How the optimised parameters become an RGB image in [0, 1] (Lucid's {@code param.image}):
 * <ul>
 * <li>{@code fourier}: per channel a half spectrum scaled by 1 / frequency^decay, synthesised by the
 *     orthonormal inverse real FFT and divided by 4 ({@link FourierBasis});</li>
 * <li>{@code pixel}: the values themselves;</li>
 * </ul>
 * then optionally the colour decorrelation (Lucid's square root of ImageNet's colour correlation,
 * normalised by its largest column norm, applied per pixel) and a sigmoid. Every step is linear or
 * elementwise, so {@link #backward} applies the transposed Jacobians by hand.
 */
final class ImageParameterization {
    /** Lucid's {@code color_correlation_svd_sqrt}. */
    static final double[][] COLOR_CORRELATION_SQRT = {
        {0.26, 0.09, 0.02},
        {0.27, 0.00, -0.05},
        {0.27, -0.09, 0.03}};

    /** Lucent's magic constant: the synthesised image is divided by it (less saturation). */
    static final double FOURIER_DIVISOR = 4.0;

    private final boolean fourier;
    private final boolean decorrelate;
    private final int channels;
    private final int h;
    private final int w;
    private final FourierBasis basis;
    private final double[] scale;
    private final double[][] color;
    private final double[][] colorInverse;

    /**
     * @param fourier Fourier (true) or pixel parameters
     * @param decorrelate whether to apply the colour decorrelation (needs 3 channels)
     * @param channels 3 (or 1 for grey models, then no decorrelation)
     * @param h height
     * @param w width
     * @param decay the spectrum's 1/f exponent
     */
    ImageParameterization(boolean fourier, boolean decorrelate, int channels, int h, int w, double decay) {
        this.fourier = fourier;
        this.decorrelate = decorrelate && channels == 3;
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.basis = fourier ? new FourierBasis(h, w) : null;
        this.scale = fourier ? basis.scale(decay) : null;
        this.color = normalisedColor();
        this.colorInverse = invert(color);
    }

    /** @return whether the colour decorrelation is applied */
    boolean decorrelates() {
        return decorrelate;
    }

    /** @return the number of parameters of one image */
    int size() {
        return channels * (fourier ? basis.size() : h * w);
    }

    /** @return Gaussian parameters with standard deviation {@code sd} (Lucid's initialisation, sd 0.01) */
    double[] random(Random random, double sd) {
        double[] p = new double[size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextGaussian() * sd;
        }
        return p;
    }

    /**
     * @param image [C·H·W] in [0, 1]
     * @return parameters whose {@link #render} is {@code image} (values clipped to [1e-4, 1 − 1e-4] first)
     */
    double[] fromImage(double[] image) {
        int hw = h * w;
        double[] pre = new double[channels * hw];
        for (int i = 0; i < pre.length; i++) {
            double v = Math.min(1 - 1e-4, Math.max(1e-4, image[i]));
            pre[i] = Math.log(v / (1 - v));
        }
        double[] z = decorrelate ? mixColors(pre, colorInverse) : pre;
        if (!fourier) {
            return z;
        }
        double[] p = new double[size()];
        int n = basis.size();
        int half = n / 2;
        for (int c = 0; c < channels; c++) {
            double[] scaled = new double[hw];
            for (int i = 0; i < hw; i++) {
                scaled[i] = z[c * hw + i] * FOURIER_DIVISOR;
            }
            basis.analyse(scaled, 0, p, c * n);
            for (int i = 0; i < half; i++) {
                p[c * n + i] /= scale[i];
                p[c * n + half + i] /= scale[i];
            }
        }
        return p;
    }

    /** @return the image [C·H·W] in [0, 1] */
    double[] render(double[] p) {
        int hw = h * w;
        double[] z;
        if (fourier) {
            z = new double[channels * hw];
            int n = basis.size();
            int half = n / 2;
            double[] c = new double[n];
            for (int ch = 0; ch < channels; ch++) {
                for (int i = 0; i < half; i++) {
                    c[i] = p[ch * n + i] * scale[i];
                    c[half + i] = p[ch * n + half + i] * scale[i];
                }
                basis.synthesise(c, 0, z, ch * hw);
            }
            for (int i = 0; i < z.length; i++) {
                z[i] /= FOURIER_DIVISOR;
            }
        } else {
            z = p;
        }
        double[] pre = decorrelate ? mixColors(z, color) : z;
        double[] image = new double[pre.length];
        for (int i = 0; i < image.length; i++) {
            image[i] = 1 / (1 + Math.exp(-pre[i]));
        }
        return image;
    }

    /**
     * @param image what {@link #render} returned for the parameters
     * @param g d objective / d image, [C·H·W]
     * @return d objective / d parameters
     */
    double[] backward(double[] image, double[] g) {
        double[] gPre = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            gPre[i] = g[i] * image[i] * (1 - image[i]);
        }
        double[] gz = decorrelate ? mixColors(gPre, transpose(color)) : gPre;
        if (!fourier) {
            return gz;
        }
        int hw = h * w;
        int n = basis.size();
        int half = n / 2;
        double[] gp = new double[size()];
        for (int i = 0; i < gz.length; i++) {
            gz[i] /= FOURIER_DIVISOR;
        }
        for (int ch = 0; ch < channels; ch++) {
            basis.adjoint(gz, ch * hw, gp, ch * n);
            for (int i = 0; i < half; i++) {
                gp[ch * n + i] *= scale[i];
                gp[ch * n + half + i] *= scale[i];
            }
        }
        return gp;
    }

    /** out_c = Σ_d m[c][d] · in_d per pixel. */
    double[] mixColors(double[] in, double[][] m) {
        int hw = h * w;
        double[] out = new double[in.length];
        for (int i = 0; i < hw; i++) {
            double r = in[i];
            double g = in[hw + i];
            double b = in[2 * hw + i];
            for (int c = 0; c < 3; c++) {
                out[c * hw + i] = m[c][0] * r + m[c][1] * g + m[c][2] * b;
            }
        }
        return out;
    }

    /** @return the colour matrix applied (Lucid's, over its largest column norm) */
    static double[][] normalisedColor() {
        double max = 0;
        for (int d = 0; d < 3; d++) {
            double s = 0;
            for (int c = 0; c < 3; c++) {
                s += COLOR_CORRELATION_SQRT[c][d] * COLOR_CORRELATION_SQRT[c][d];
            }
            max = Math.max(max, Math.sqrt(s));
        }
        double[][] m = new double[3][3];
        for (int c = 0; c < 3; c++) {
            for (int d = 0; d < 3; d++) {
                m[c][d] = COLOR_CORRELATION_SQRT[c][d] / max;
            }
        }
        return m;
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[3][3];
        for (int c = 0; c < 3; c++) {
            for (int d = 0; d < 3; d++) {
                t[d][c] = m[c][d];
            }
        }
        return t;
    }

    private static double[][] invert(double[][] m) {
        double a = m[0][0], b = m[0][1], c = m[0][2];
        double d = m[1][0], e = m[1][1], f = m[1][2];
        double g = m[2][0], hh = m[2][1], i = m[2][2];
        double det = a * (e * i - f * hh) - b * (d * i - f * g) + c * (d * hh - e * g);
        return new double[][] {
            {(e * i - f * hh) / det, (c * hh - b * i) / det, (b * f - c * e) / det},
            {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
            {(d * hh - e * g) / det, (b * g - a * hh) / det, (a * e - b * d) / det}};
    }
}
