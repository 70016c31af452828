package dev.loupe.method.lime;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.FeatureMask;
import dev.loupe.perturbation.LinearFit;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import dev.loupe.perturbation.Superpixels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * LIME (Ribeiro, Singh &amp; Guestrin 2016) as Captum 0.8 does it for images: the input is split into
 * features (SLIC superpixels by default, or any perturbation feature mask); each sample switches every
 * feature on or off with probability ½, off features taking the baseline; samples are weighted by an
 * exponential kernel {@code exp(−d² / (2 w²))} on the cosine distance {@code d} between the sample and
 * the input; a weighted Lasso (scikit-learn's objective, {@code alpha} 0.01) fits the scores on the
 * on/off indicators, and each feature's coefficient is its attribution, spread over its elements.
 * {@code top-k} keeps only the k largest coefficients and refits on those (LIME's feature selection).
 * Forward passes only.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Lime.ID)
public final class Lime implements Explainer {
    /** The method id. */
    public static final String ID = "lime";
    /** The {@code mask} form for SLIC superpixels, {@code superpixels:N} with about N per image. */
    static final String SUPERPIXELS = "superpixels";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "LIME", "perturbation",
            "Ribeiro, Singh & Guestrin 2016, \"Why Should I Trust You?\": Explaining the Predictions of Any "
                    + "Classifier",
            Set.of(Capability.FORWARD), parameters(),
            "The weights of a sparse linear model fitted, near the input, to the scores of copies with "
                    + "features switched off: how much each superpixel (or feature) adds to the class score.");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>(List.of(
                ParameterSpec.string("mask", SUPERPIXELS + ":50", "the features switched on and off: "
                        + FeatureMask.FORMS),
                ParameterSpec.number("compactness", Superpixels.DEFAULT_COMPACTNESS, 0, 1e6,
                        "SLIC's weight of position against colour (0-100 colour scale); larger: squarer"),
                ParameterSpec.integer("samples", 1000, 1, 1_000_000, "random on/off samples per input"),
                ParameterSpec.number("kernel-width", 1.0, 1e-6, 1e6,
                        "width w of the similarity kernel exp(-d^2 / (2 w^2)) on the cosine distance d"),
                ParameterSpec.number("alpha", 0.01, 0, 1e6, "the Lasso's L1 penalty (0: weighted least squares)"),
                ParameterSpec.integer("top-k", 0, 0, 1_000_000,
                        "keep the k largest coefficients and refit on them (0: all features)"),
                ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the samples")));
        p.addAll(Substrate.parameters("0"));
        return p;
    }

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        long start = System.nanoTime();
        int n = inputs.batchSize();
        int item = inputs.itemSize();
        int samples = request.intParam("samples");
        List<FeatureMask> masks = masks(request.stringParam("mask"), inputs, request.doubleParam("compactness"));
        Substrate substrate = Substrate.from(request);
        float[] x = inputs.data();
        float[] base = substrate.of(inputs).data();
        // every sample drawn up front, input by input, so the draws do not depend on the batch plan
        SplittableRandom random = new SplittableRandom(request.intParam("seed"));
        boolean[][][] on = new boolean[n][samples][];
        for (int i = 0; i < n; i++) {
            int features = masks.get(i).features();
            for (int k = 0; k < samples; k++) {
                on[i][k] = new boolean[features];
                for (int f = 0; f < features; f++) {
                    on[i][k][f] = random.nextBoolean();
                }
            }
        }
        long sampled = System.nanoTime();
        float[][] scores = new PerturbationSweep(model, request.objective(), inputs, context).objectives(samples,
                (i, k, dest, offset) -> masks.get(i).compose(x, i * item, base, i * item, on[i][k], dest, offset),
                "LIME samples");
        long evaluated = System.nanoTime();
        float[] map = new float[x.length];
        List<Integer> features = new ArrayList<>();
        List<Double> intercepts = new ArrayList<>();
        List<Double> fits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FeatureMask mask = masks.get(i);
            double[] w = kernel(mask, x, base, i * item, on[i], request.doubleParam("kernel-width"));
            Surrogate s = surrogate(on[i], mask.features(), scores[i], w, request.doubleParam("alpha"),
                    request.intParam("top-k"));
            mask.spread(s.coefficients(), map, i * item);
            features.add(mask.features());
            intercepts.add(s.intercept());
            fits.add(s.r2());
        }
        return Attribution.of(ID, new Tensor(map, inputs.shape()), request)
                .withDetail("features", features)
                .withDetail("intercept", intercepts)
                .withDetail("surrogate-r2", fits)
                .withDetail("baseline", substrate.describe())
                .withTiming("masks+samples", (sampled - start) / 1e6)
                .withTiming("forward", (evaluated - sampled) / 1e6)
                .withTiming("total", (System.nanoTime() - start) / 1e6);
    }

    /** The features of each input: SLIC superpixels (the same for every channel) or a feature mask. */
    static List<FeatureMask> masks(String spec, Tensor inputs, double compactness) {
        String s = spec.trim();
        if (!s.startsWith(SUPERPIXELS)) {
            return FeatureMask.parse(s, inputs);
        }
        int regions = FeatureMask.DEFAULT_SUPERPIXELS;
        if (s.length() > SUPERPIXELS.length()) {
            try {
                if (s.charAt(SUPERPIXELS.length()) != ':') {
                    throw new NumberFormatException(s);
                }
                regions = Integer.parseInt(s.substring(SUPERPIXELS.length() + 1).trim());
            } catch (NumberFormatException e) {
                throw new LoupeException("mask " + spec + ": write superpixels:N with N about how many per image");
            }
        }
        return FeatureMask.superpixels(inputs, regions, compactness);
    }

    /**
     * Captum's default similarity: {@code exp(−d² / (2 w²))} with {@code d} the cosine distance between
     * the flattened input and sample. A sample mixes the input and the baseline feature by feature, so
     * its dot product with the input and its norm come from three sums per feature.
     */
    static double[] kernel(FeatureMask mask, float[] x, float[] base, int offset, boolean[][] on, double width) {
        int features = mask.features();
        double[] xx = new double[features];
        double[] xb = new double[features];
        double[] bb = new double[features];
        double norm = 0;
        for (int k = 0; k < mask.size(); k++) {
            int f = mask.id(k);
            double v = x[offset + k];
            double b = base[offset + k];
            xx[f] += v * v;
            xb[f] += v * b;
            bb[f] += b * b;
            norm += v * v;
        }
        double[] w = new double[on.length];
        for (int s = 0; s < on.length; s++) {
            double dot = 0;
            double sq = 0;
            for (int f = 0; f < features; f++) {
                dot += on[s][f] ? xx[f] : xb[f];
                sq += on[s][f] ? xx[f] : bb[f];
            }
            // as torch's CosineSimilarity: 0 when a vector is 0
            double denominator = Math.sqrt(norm * sq);
            double d = 1 - (denominator > 0 ? dot / denominator : 0);
            w[s] = Math.exp(-d * d / (2 * width * width));
        }
        return w;
    }

    /** The surrogate's coefficients and intercept, and its weighted R² on the samples. */
    record Surrogate(double intercept, double[] coefficients, double r2) {
    }

    /** Fits the scores on the on/off indicators; alpha 0 with all features is plain weighted least squares. */
    static Surrogate surrogate(boolean[][] on, int features, float[] scores, double[] w, double alpha, int topK) {
        int rows = scores.length;
        double[] design = new double[rows * features];
        double[] y = new double[rows];
        for (int s = 0; s < rows; s++) {
            y[s] = scores[s];
            for (int f = 0; f < features; f++) {
                design[s * features + f] = on[s][f] ? 1 : 0;
            }
        }
        boolean select = topK > 0 && topK < features;
        double intercept;
        double[] beta;
        if (alpha == 0 && !select) {
            // minimum-norm least squares, well defined even with fewer samples than features
            LinearFit fit = LinearFit.fit(design, features, y, w, true);
            intercept = fit.intercept();
            beta = fit.coefficients();
        } else {
            WeightedLasso.Fit fit = WeightedLasso.fit(design, features, y, w, alpha, null);
            if (select) {
                fit = WeightedLasso.fit(design, features, y, w, alpha, largest(fit.coefficients(), topK));
            }
            intercept = fit.intercept();
            beta = fit.coefficients();
        }
        return new Surrogate(intercept, beta, r2(design, features, y, w, intercept, beta));
    }

    /** @return the k coefficients largest in magnitude (the lower index first among equals) */
    static boolean[] largest(double[] beta, int k) {
        Integer[] order = new Integer[beta.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(beta[b]), Math.abs(beta[a])));
        boolean[] keep = new boolean[beta.length];
        for (int j = 0; j < k; j++) {
            keep[order[j]] = true;
        }
        return keep;
    }

    private static double r2(double[] design, int features, double[] y, double[] w, double b0, double[] beta) {
        double total = 0;
        double mean = 0;
        for (int s = 0; s < y.length; s++) {
            total += w[s];
            mean += w[s] * y[s];
        }
        mean /= total;
        double residual = 0;
        double spread = 0;
        for (int s = 0; s < y.length; s++) {
            double fit = b0;
            for (int f = 0; f < features; f++) {
                fit += beta[f] * design[s * features + f];
            }
            residual += w[s] * (y[s] - fit) * (y[s] - fit);
            spread += w[s] * (y[s] - mean) * (y[s] - mean);
        }
        return spread > 0 ? 1 - residual / spread : 1;
    }
}
