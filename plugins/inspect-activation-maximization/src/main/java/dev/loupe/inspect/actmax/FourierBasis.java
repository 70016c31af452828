package dev.loupe.inspect.actmax;

/**
 * A real H×W image from its half spectrum (Lucid's {@code fft_image}): coefficients c[ky, kx] for
 * ky in [0, H), kx in [0, W/2 + 1), and
 * <pre>  image[y, x] = Re Σ w(kx) · c[ky, kx] · e^{2πi (ky·y/H + kx·x/W)} / √(HW)</pre>
 * with w = 1 for the DC column and (W even) the Nyquist column, 2 otherwise — the orthonormal inverse
 * real FFT, written so that it is a real-linear map of the real and imaginary parts (the parts that
 * a Hermitian spectrum would make redundant are simply extra parameters). Its adjoint with respect to
 * the real inner product is a forward DFT of the image times w / √(HW) ({@link #adjoint}); the
 * orthonormal forward real FFT ({@link #analyse}) inverts it. Costs O(HW (log H + log W)) through
 * separable 1-D transforms ({@link Fft}).
 */
final class FourierBasis {
    private final int h;
    private final int w;
    private final int wr;
    private final double[] weight;
    private final double norm;
    private final Fft rows;
    private final Fft cols;
    private final double[] re;
    private final double[] im;
    private final double[] colRe;
    private final double[] colIm;

    FourierBasis(int h, int w) {
        this.h = h;
        this.w = w;
        this.wr = w / 2 + 1;
        weight = new double[wr];
        for (int kx = 0; kx < wr; kx++) {
            weight[kx] = kx == 0 || (w % 2 == 0 && kx == w / 2) ? 1 : 2;
        }
        norm = 1 / Math.sqrt((double) h * w);
        rows = new Fft(w);
        cols = new Fft(h);
        re = new double[w];
        im = new double[w];
        colRe = new double[h];
        colIm = new double[h];
    }

    /** @return the number of coefficient columns, W/2 + 1 */
    int halfWidth() {
        return wr;
    }

    /** @return how many real parameters one channel has: 2 · H · (W/2 + 1) (real parts, then imaginary) */
    int size() {
        return 2 * h * wr;
    }

    /**
     * Lucid's spectrum scale: 1 / max(f, 1 / max(H, W))^decay, f the frequency in cycles per pixel.
     *
     * @return [H · (W/2 + 1)] per coefficient
     */
    double[] scale(double decay) {
        double[] s = new double[h * wr];
        double floor = 1.0 / Math.max(h, w);
        for (int ky = 0; ky < h; ky++) {
            double fy = (ky <= (h - 1) / 2 ? ky : ky - h) / (double) h;
            if (h % 2 == 0 && ky == h / 2) {
                fy = -0.5;
            }
            for (int kx = 0; kx < wr; kx++) {
                double fx = kx / (double) w;
                double f = Math.sqrt(fy * fy + fx * fx);
                s[ky * wr + kx] = 1 / Math.pow(Math.max(f, floor), decay);
            }
        }
        return s;
    }

    /**
     * @param c one channel's coefficients: [0, H·wr) real parts, [H·wr, 2·H·wr) imaginary parts, at {@code offset}
     * @param image receives the [H·W] image at {@code imageOffset}
     */
    void synthesise(double[] c, int offset, double[] image, int imageOffset) {
        int n = h * wr;
        double[] dRe = new double[n];
        double[] dIm = new double[n];
        for (int kx = 0; kx < wr; kx++) {
            for (int ky = 0; ky < h; ky++) {
                colRe[ky] = c[offset + ky * wr + kx];
                colIm[ky] = c[offset + n + ky * wr + kx];
            }
            cols.inverse(colRe, colIm);
            for (int y = 0; y < h; y++) {
                dRe[y * wr + kx] = colRe[y] * weight[kx];
                dIm[y * wr + kx] = colIm[y] * weight[kx];
            }
        }
        for (int y = 0; y < h; y++) {
            java.util.Arrays.fill(re, 0);
            java.util.Arrays.fill(im, 0);
            System.arraycopy(dRe, y * wr, re, 0, wr);
            System.arraycopy(dIm, y * wr, im, 0, wr);
            rows.inverse(re, im);
            for (int x = 0; x < w; x++) {
                image[imageOffset + y * w + x] = re[x] * norm;
            }
        }
    }

    /**
     * The adjoint of {@link #synthesise}: d⟨image, g⟩ / d c.
     *
     * @param g [H·W] at {@code offset}
     * @param c receives the coefficients' gradient (layout as in {@link #synthesise}) at {@code cOffset}
     */
    void adjoint(double[] g, int offset, double[] c, int cOffset) {
        transform(g, offset, c, cOffset, true);
    }

    /**
     * The orthonormal forward real FFT: coefficients whose {@link #synthesise} is {@code image}.
     */
    void analyse(double[] image, int offset, double[] c, int cOffset) {
        transform(image, offset, c, cOffset, false);
    }

    private void transform(double[] g, int offset, double[] c, int cOffset, boolean weighted) {
        int n = h * wr;
        double[] eRe = new double[n];
        double[] eIm = new double[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                re[x] = g[offset + y * w + x];
                im[x] = 0;
            }
            rows.forward(re, im);
            for (int kx = 0; kx < wr; kx++) {
                double f = weighted ? weight[kx] : 1;
                eRe[y * wr + kx] = re[kx] * f;
                eIm[y * wr + kx] = im[kx] * f;
            }
        }
        for (int kx = 0; kx < wr; kx++) {
            for (int y = 0; y < h; y++) {
                colRe[y] = eRe[y * wr + kx];
                colIm[y] = eIm[y * wr + kx];
            }
            cols.forward(colRe, colIm);
            for (int ky = 0; ky < h; ky++) {
                c[cOffset + ky * wr + kx] = colRe[ky] * norm;
                c[cOffset + n + ky * wr + kx] = colIm[ky] * norm;
            }
        }
    }
}
