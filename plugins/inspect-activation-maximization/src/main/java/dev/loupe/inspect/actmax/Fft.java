package dev.loupe.inspect.actmax;

/**
 * A complex discrete Fourier transform of one length, in plain Java: iterative radix-2 for powers of
 * two, recursive mixed radix for lengths whose prime factors are at most 7 (224 = 2⁵·7: O(n Σ factors)),
 * Bluestein's chirp-z (three radix-2 transforms of the next power of two ≥ 2n − 1) otherwise, so
 * every length costs O(n log n). Forward is {@code X_k = Σ_j x_j e^{−2πi jk/n}}; the inverse is
 * unnormalised ({@code e^{+2πi jk/n}}). Not thread-safe (it keeps scratch arrays).
 */
final class Fft {
    private final int n;
    private final Radix2 radix2;
    private final MixedRadix mixed;
    // Bluestein: chirp w_t = e^{-πi t²/n}, and the FFT of the conjugate chirp b padded to m
    private final Radix2 big;
    private final double[] chirpRe;
    private final double[] chirpIm;
    private final double[] bRe;
    private final double[] bIm;
    private final double[] aRe;
    private final double[] aIm;

    /** @param n the length, at least 1 */
    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length must be positive: " + n);
        }
        this.n = n;
        mixed = Integer.bitCount(n) != 1 && MixedRadix.smooth(n) ? new MixedRadix(n) : null;
        if (Integer.bitCount(n) == 1 || mixed != null) {
            radix2 = mixed == null ? new Radix2(n) : null;
            big = null;
            chirpRe = chirpIm = bRe = bIm = aRe = aIm = null;
            return;
        }
        radix2 = null;
        int m = Integer.highestOneBit(2 * n - 1);
        if (m < 2 * n - 1) {
            m <<= 1;
        }
        big = new Radix2(m);
        chirpRe = new double[n];
        chirpIm = new double[n];
        for (int t = 0; t < n; t++) {
            long t2 = ((long) t * t) % (2L * n);
            double angle = Math.PI * t2 / n;
            chirpRe[t] = Math.cos(angle);
            chirpIm[t] = -Math.sin(angle);
        }
        bRe = new double[m];
        bIm = new double[m];
        bRe[0] = chirpRe[0];
        bIm[0] = -chirpIm[0];
        for (int t = 1; t < n; t++) {
            bRe[t] = bRe[m - t] = chirpRe[t];
            bIm[t] = bIm[m - t] = -chirpIm[t];
        }
        big.forward(bRe, bIm);
        aRe = new double[m];
        aIm = new double[m];
    }

    /** @return the length */
    int length() {
        return n;
    }

    /** Forward transform in place. */
    void forward(double[] re, double[] im) {
        if (radix2 != null) {
            radix2.forward(re, im);
            return;
        }
        if (mixed != null) {
            mixed.forward(re, im);
            return;
        }
        int m = aRe.length;
        java.util.Arrays.fill(aRe, 0);
        java.util.Arrays.fill(aIm, 0);
        for (int j = 0; j < n; j++) {
            aRe[j] = re[j] * chirpRe[j] - im[j] * chirpIm[j];
            aIm[j] = re[j] * chirpIm[j] + im[j] * chirpRe[j];
        }
        big.forward(aRe, aIm);
        for (int k = 0; k < m; k++) {
            double r = aRe[k] * bRe[k] - aIm[k] * bIm[k];
            double i = aRe[k] * bIm[k] + aIm[k] * bRe[k];
            // inverse through the conjugate: conj(FFT(conj(z))) / m
            aRe[k] = r;
            aIm[k] = -i;
        }
        big.forward(aRe, aIm);
        for (int k = 0; k < n; k++) {
            double cr = aRe[k] / m;
            double ci = -aIm[k] / m;
            re[k] = cr * chirpRe[k] - ci * chirpIm[k];
            im[k] = cr * chirpIm[k] + ci * chirpRe[k];
        }
    }

    /** Unnormalised inverse transform in place: conj(forward(conj(x))). */
    void inverse(double[] re, double[] im) {
        for (int j = 0; j < n; j++) {
            im[j] = -im[j];
        }
        forward(re, im);
        for (int j = 0; j < n; j++) {
            im[j] = -im[j];
        }
    }

    /** Iterative in-place radix-2 Cooley–Tukey. */
    private static final class Radix2 {
        private final int n;
        private final double[] cos;
        private final double[] sin;
        private final int[] reversed;

        Radix2(int n) {
            this.n = n;
            cos = new double[Math.max(1, n / 2)];
            sin = new double[Math.max(1, n / 2)];
            for (int k = 0; k < n / 2; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = Math.sin(2 * Math.PI * k / n);
            }
            reversed = new int[n];
            int bits = Integer.numberOfTrailingZeros(n);
            for (int i = 0; i < n; i++) {
                reversed[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
            }
        }

        void forward(double[] re, double[] im) {
            for (int i = 0; i < n; i++) {
                int j = reversed[i];
                if (j > i) {
                    double t = re[i];
                    re[i] = re[j];
                    re[j] = t;
                    t = im[i];
                    im[i] = im[j];
                    im[j] = t;
                }
            }
            for (int len = 2; len <= n; len <<= 1) {
                int half = len >> 1;
                int step = n / len;
                for (int i = 0; i < n; i += len) {
                    for (int j = 0; j < half; j++) {
                        double wr = cos[j * step];
                        double wi = -sin[j * step];
                        int a = i + j;
                        int b = a + half;
                        double vr = re[b] * wr - im[b] * wi;
                        double vi = re[b] * wi + im[b] * wr;
                        re[b] = re[a] - vr;
                        im[b] = im[a] - vi;
                        re[a] += vr;
                        im[a] += vi;
                    }
                }
            }
        }
    }

    /** Recursive decimation in time over the prime factors 2, 3, 5, 7 of n. */
    private static final class MixedRadix {
        private static final int[] PRIMES = {2, 3, 5, 7};
        private final int n;
        private final int[] factors;
        private final double[] cos;
        private final double[] sin;
        private final double[] outRe;
        private final double[] outIm;
        private final double[] tRe = new double[7];
        private final double[] tIm = new double[7];

        static boolean smooth(int n) {
            for (int p : PRIMES) {
                while (n % p == 0) {
                    n /= p;
                }
            }
            return n == 1;
        }

        MixedRadix(int n) {
            this.n = n;
            java.util.List<Integer> f = new java.util.ArrayList<>();
            int rest = n;
            for (int p : PRIMES) {
                while (rest % p == 0) {
                    f.add(p);
                    rest /= p;
                }
            }
            factors = f.stream().mapToInt(Integer::intValue).toArray();
            cos = new double[n];
            sin = new double[n];
            for (int k = 0; k < n; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = -Math.sin(2 * Math.PI * k / n);
            }
            outRe = new double[n];
            outIm = new double[n];
        }

        void forward(double[] re, double[] im) {
            transform(re, im, 0, 1, n, 0, 0);
            System.arraycopy(outRe, 0, re, 0, n);
            System.arraycopy(outIm, 0, im, 0, n);
        }

        /** out[outOffset .. + len) = DFT of in[offset + j·stride], j &lt; len. */
        private void transform(double[] re, double[] im, int offset, int stride, int len, int outOffset, int f) {
            if (len == 1) {
                outRe[outOffset] = re[offset];
                outIm[outOffset] = im[offset];
                return;
            }
            int p = factors[f];
            int m = len / p;
            for (int r = 0; r < p; r++) {
                transform(re, im, offset + r * stride, stride * p, m, outOffset + r * m, f + 1);
            }
            int unit = n / len;
            int unitP = n / p;
            for (int k = 0; k < m; k++) {
                for (int r = 0; r < p; r++) {
                    int i = outOffset + r * m + k;
                    int t = (r * k * unit) % n;
                    tRe[r] = outRe[i] * cos[t] - outIm[i] * sin[t];
                    tIm[r] = outRe[i] * sin[t] + outIm[i] * cos[t];
                }
                for (int q = 0; q < p; q++) {
                    double sr = 0;
                    double si = 0;
                    for (int r = 0; r < p; r++) {
                        int t = ((r * q) % p) * unitP;
                        sr += tRe[r] * cos[t] - tIm[r] * sin[t];
                        si += tRe[r] * sin[t] + tIm[r] * cos[t];
                    }
                    outRe[outOffset + q * m + k] = sr;
                    outIm[outOffset + q * m + k] = si;
                }
            }
        }
    }
}
