package dev.loupe.perturbation;

import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * What a perturbed element is replaced by (Captum's baselines): a constant, a blurred copy of the
 * input (Fong &amp; Vedaldi 2017) or the input's mean per channel. A substrate is computed once per
 * input, with the input's shape.
 */
public sealed interface Substrate {

    /** The {@code baseline} parameter's forms, for messages. */
    String FORMS = "a number (e.g. 0), blur (a Gaussian blur of the input, sigma from blur-sigma), rise-blur"
            + " (RISE's own 11x11 blur) or mean (each channel's mean)";

    /**
     * @param inputs the inputs, [N, ...]
     * @return the substrate of each input, the inputs' shape
     */
    Tensor of(Tensor inputs);

    /** @return a short description, e.g. {@code 0.0}, {@code blur(σ=5.0)}, {@code mean} */
    String describe();

    /**
     * Every element replaced by one value.
     *
     * @param value the value
     */
    record Constant(float value) implements Substrate {
        @Override
        public Tensor of(Tensor inputs) {
            float[] out = new float[inputs.data().length];
            Arrays.fill(out, value);
            return new Tensor(out, inputs.shape());
        }

        @Override
        public String describe() {
            return String.valueOf(value);
        }
    }

    /**
     * A Gaussian blur of each plane over the last two axes (rank-2 inputs: the last axis), edges
     * replicated, so removed evidence is replaced by its own smoothed surroundings.
     *
     * @param sigma the standard deviation in elements
     */
    record Blur(double sigma) implements Substrate {
        /** Checks sigma. */
        public Blur {
            if (!(sigma > 0)) {
                throw new LoupeException("blur-sigma must be positive; got " + sigma);
            }
        }

        @Override
        public Tensor of(Tensor inputs) {
            return separable(inputs, kernel(sigma), true);
        }

        @Override
        public String describe() {
            return "blur(σ=" + sigma + ")";
        }

        private static double[] kernel(double sigma) {
            int r = Math.max(1, (int) Math.ceil(3 * sigma));
            double[] k = new double[2 * r + 1];
            double total = 0;
            for (int t = -r; t <= r; t++) {
                k[t + r] = Math.exp(-t * t / (2 * sigma * sigma));
                total += k[t + r];
            }
            for (int t = 0; t < k.length; t++) {
                k[t] /= total;
            }
            return k;
        }
    }

    /**
     * The blur of RISE's evaluation code (Petsiuk et al. 2018), for insertion scores comparable with
     * the paper's: each plane convolved with an 11×11 kernel that is SciPy's {@code gaussian_filter}
     * (σ 5, truncated at 4σ, {@code reflect} edges) of a centred delta, with zero padding, so the
     * substrate fades towards 0 at the image's border. The kernel is nearly flat: σ 5 folded into 11
     * taps.
     */
    record RiseBlur() implements Substrate {
        private static final int SIZE = 11;
        private static final double SIGMA = 5;
        private static final double[] KERNEL = riseKernel();

        @Override
        public Tensor of(Tensor inputs) {
            return separable(inputs, KERNEL, false);
        }

        @Override
        public String describe() {
            return "rise-blur";
        }

        /**
         * SciPy's 1-D Gaussian (σ 5, radius 4σ = 20, normalised) applied to an 11-element centred delta
         * with {@code reflect} edges (… c b a | a b c … ): every tap that lands on the delta after
         * reflection adds its weight.
         */
        private static double[] riseKernel() {
            int radius = (int) (4 * SIGMA + 0.5);
            double[] g = new double[2 * radius + 1];
            double total = 0;
            for (int t = -radius; t <= radius; t++) {
                g[t + radius] = Math.exp(-0.5 * t * t / (SIGMA * SIGMA));
                total += g[t + radius];
            }
            double[] k = new double[SIZE];
            int centre = SIZE / 2;
            for (int i = 0; i < SIZE; i++) {
                for (int t = -radius; t <= radius; t++) {
                    if (reflect(i + t, SIZE) == centre) {
                        k[i] += g[t + radius] / total;
                    }
                }
            }
            return k;
        }

        private static int reflect(int i, int n) {
            int m = Math.floorMod(i, 2 * n);
            return m < n ? m : 2 * n - 1 - m;
        }
    }

    /** Each channel's mean (axis 1 of [N, C, ...]; rank-2 inputs: each input's mean). */
    record ChannelMean() implements Substrate {
        @Override
        public Tensor of(Tensor inputs) {
            long[] s = inputs.shape();
            int plane = 1;
            for (int a = Math.min(2, s.length - 1); a < s.length; a++) {
                plane *= Math.toIntExact(s[a]);
            }
            float[] x = inputs.data();
            float[] out = new float[x.length];
            for (int p = 0; p < x.length; p += plane) {
                double sum = 0;
                for (int k = 0; k < plane; k++) {
                    sum += x[p + k];
                }
                Arrays.fill(out, p, p + plane, (float) (sum / plane));
            }
            return new Tensor(out, s);
        }

        @Override
        public String describe() {
            return "mean";
        }
    }

    /**
     * Convolves each plane (the last two axes; rank-2 inputs: the last axis) with the outer product of
     * a symmetric 1-D kernel with itself, in two 1-D passes.
     *
     * @param replicateEdges whether samples outside the plane take the nearest edge value, or are 0
     */
    private static Tensor separable(Tensor inputs, double[] kernel, boolean replicateEdges) {
        long[] s = inputs.shape();
        int w = Math.toIntExact(s[s.length - 1]);
        int h = s.length >= 3 ? Math.toIntExact(s[s.length - 2]) : 1;
        float[] x = inputs.data();
        float[] out = new float[x.length];
        int r = kernel.length / 2;
        double[] rows = new double[h * w];
        for (int p = 0; p < x.length; p += h * w) {
            for (int y = 0; y < h; y++) {
                for (int c = 0; c < w; c++) {
                    double sum = 0;
                    for (int t = -r; t <= r; t++) {
                        int q = c + t;
                        if (q >= 0 && q < w || replicateEdges) {
                            sum += kernel[t + r] * x[p + y * w + Math.max(0, Math.min(w - 1, q))];
                        }
                    }
                    rows[y * w + c] = sum;
                }
            }
            if (s.length < 3) { // rows only
                for (int c = 0; c < w; c++) {
                    out[p + c] = (float) rows[c];
                }
                continue;
            }
            for (int y = 0; y < h; y++) {
                for (int c = 0; c < w; c++) {
                    double sum = 0;
                    for (int t = -r; t <= r; t++) {
                        int q = y + t;
                        if (q >= 0 && q < h || replicateEdges) {
                            sum += kernel[t + r] * rows[Math.max(0, Math.min(h - 1, q)) * w + c];
                        }
                    }
                    out[p + y * w + c] = (float) sum;
                }
            }
        }
        return new Tensor(out, s);
    }

    /**
     * Reads the {@code baseline} parameter.
     *
     * @param spec a number, {@code blur}, {@code rise-blur} or {@code mean}
     * @param blurSigma the blur's standard deviation, for {@code blur}
     * @return the substrate
     * @throws LoupeException naming the accepted forms
     */
    static Substrate parse(String spec, double blurSigma) {
        String s = spec.trim();
        if (s.equals("blur")) {
            return new Blur(blurSigma);
        }
        if (s.equals("rise-blur")) {
            return new RiseBlur();
        }
        if (s.equals("mean")) {
            return new ChannelMean();
        }
        try {
            return new Constant(Float.parseFloat(s));
        } catch (NumberFormatException e) {
            throw new LoupeException("baseline " + spec + " is not understood; use " + FORMS);
        }
    }

    /**
     * Reads the {@code baseline} and {@code blur-sigma} parameters of a request.
     *
     * @param request a request of a method declaring {@link #parameters(String)}
     * @return the substrate
     */
    static Substrate from(ExplanationRequest request) {
        return parse(request.stringParam("baseline"), request.doubleParam("blur-sigma"));
    }

    /**
     * The {@code baseline} and {@code blur-sigma} parameters, shared by the perturbation methods.
     *
     * @param defaultBaseline the default, e.g. {@code 0}
     * @return the two specs
     */
    static List<ParameterSpec> parameters(String defaultBaseline) {
        return List.of(
                ParameterSpec.string("baseline", defaultBaseline, "what perturbed elements become: " + FORMS),
                ParameterSpec.number("blur-sigma", 5.0, 0.1, 1000, "the blur substrate's Gaussian sigma, in pixels"));
    }
}
