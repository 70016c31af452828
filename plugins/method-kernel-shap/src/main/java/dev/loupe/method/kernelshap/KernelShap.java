package dev.loupe.method.kernelshap;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.FeatureMask;
import dev.loupe.perturbation.LinearFit;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * KernelSHAP (Lundberg &amp; Lee 2017): Shapley values of the mask's features as the weighted linear
 * regression of the score on coalitions (present features keep the input, absent ones take the
 * substrate), under the Shapley kernel.
 *
 * <p>As in Captum, the kernel is put into the sampling: the size k of a coalition is drawn with
 * probability ∝ (M − 1) / (k (M − k)), its members uniformly, so every sampled coalition has weight 1.
 * The all-on and all-off coalitions are the first two samples. By default each sampled coalition comes
 * with its complement (paired sampling, Covert &amp; Lee 2021, Improving KernelSHAP), which leaves the
 * estimator unbiased and removes much of its variance; {@code paired=false} samples as Captum. Captum
 * pins the all-on and all-off coalitions by a weight of 10⁶; here they are pinned exactly, by
 * eliminating two unknowns (intercept = f(∅), Σφ = f(x) − f(∅)), which is the limit of that weight and
 * makes the values add up to the score's change exactly. The regression is EJML's least squares
 * ({@link LinearFit}).
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + KernelShap.ID)
public final class KernelShap implements Explainer {
    /** The method id. */
    public static final String ID = "kernel-shap";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "KernelSHAP", "perturbation",
            "Lundberg & Lee 2017, A Unified Approach to Interpreting Model Predictions",
            Set.of(Capability.FORWARD), parameters(),
            "Each feature's Shapley value for the class score, estimated by a kernel-weighted linear regression over"
                    + " random coalitions of features; the values add up to f(x) − f(baseline).");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>();
        p.add(ParameterSpec.integer("samples", 2000, 2, 1_000_000, "coalitions evaluated per input, the all-on and"
                + " all-off ones included (Captum's n_samples); use well over the number of features"));
        p.add(FeatureMask.parameter("grid:8"));
        p.addAll(Substrate.parameters("0"));
        p.add(ParameterSpec.bool("paired", true, "sample each coalition with its complement (Covert & Lee 2021),"
                + " which cancels much of the estimate's noise; false samples independently, as Captum does"));
        p.add(ParameterSpec.integer("seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, "random seed of the coalitions"));
        return List.copyOf(p);
    }

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        long started = System.nanoTime();
        int samples = request.intParam("samples");
        boolean paired = request.boolParam("paired");
        List<FeatureMask> masks = FeatureMask.parse(request.stringParam("mask"), inputs);
        float[] x = inputs.data();
        float[] substrate = Substrate.from(request).of(inputs).data();
        int n = inputs.batchSize();
        // drawn before any evaluation, input by input, so the batch plan cannot change them
        SplittableRandom random = new SplittableRandom(request.intParam("seed"));
        boolean[][][] coalitions = new boolean[n][][];
        for (int i = 0; i < n; i++) {
            coalitions[i] = sample(masks.get(i).features(), samples, paired, random);
        }
        PerturbationSweep sweep = new PerturbationSweep(model, request.objective(), inputs, context);
        int size = sweep.itemSize();
        float[][] scores = sweep.objectives(samples, (i, s, dest, off) ->
                masks.get(i).compose(x, i * size, substrate, i * size, coalitions[i][s], dest, off), "coalitions");
        float[] map = new float[x.length];
        for (int i = 0; i < n; i++) {
            masks.get(i).spread(shapleyValues(coalitions[i], scores[i]), map, i * size);
        }
        return Attribution.of(ID, new Tensor(map, inputs.shape()), request)
                .withDetail("features", masks.stream().map(FeatureMask::features).toList())
                .withDetail("evaluations", (long) n * samples)
                .withTiming("total", (System.nanoTime() - started) / 1e6);
    }

    /**
     * Coalitions of {@code m} features: all on, all off, then sizes drawn from the Shapley kernel's
     * size distribution and members uniformly; with {@code paired}, every second one is the complement
     * of the one before.
     */
    static boolean[][] sample(int m, int samples, boolean paired, SplittableRandom random) {
        boolean[][] z = new boolean[samples][m];
        Arrays.fill(z[0], true);
        if (m < 2) {
            // one feature: only the pinned coalitions exist; the rest stay all-off (no information, no harm)
            return z;
        }
        // cumulative P(k) ∝ 1 / (k (m − k)), k = 1 .. m − 1 (the constant m − 1 cancels)
        double[] cumulative = new double[m - 1];
        double total = 0;
        for (int k = 1; k < m; k++) {
            total += 1.0 / ((double) k * (m - k));
            cumulative[k - 1] = total;
        }
        int[] order = new int[m];
        for (int s = 2; s < samples; s++) {
            if (paired && s % 2 == 1) {
                // the complement of the previous coalition: its size is as likely (the kernel is symmetric)
                for (int f = 0; f < m; f++) {
                    z[s][f] = !z[s - 1][f];
                }
                continue;
            }
            double u = random.nextDouble() * total;
            int k = 1;
            while (k < m - 1 && cumulative[k - 1] < u) {
                k++;
            }
            // the first k of a partial Fisher–Yates shuffle
            for (int f = 0; f < m; f++) {
                order[f] = f;
            }
            for (int j = 0; j < k; j++) {
                int r = j + random.nextInt(m - j);
                int t = order[j];
                order[j] = order[r];
                order[r] = t;
                z[s][order[j]] = true;
            }
        }
        return z;
    }

    /**
     * Solves the pinned regression: φ_0 = f(∅) is the intercept and φ_{M−1} = Δ − Σ_{j<M−1} φ_j with
     * Δ = f(all) − f(∅), so each sampled coalition z gives
     * {@code f(z) − f(∅) − Δ z_{M−1} = Σ_{j<M−1} φ_j (z_j − z_{M−1})}, an ordinary least-squares
     * problem.
     */
    static double[] shapleyValues(boolean[][] z, float[] scores) {
        int m = z[0].length;
        double full = scores[0];
        double empty = scores[1];
        double delta = full - empty;
        double[] phi = new double[m];
        if (m == 1) {
            phi[0] = delta;
            return phi;
        }
        int rows = z.length - 2;
        int last = m - 1;
        double[] design = new double[rows * last];
        double[] target = new double[rows];
        for (int s = 0; s < rows; s++) {
            boolean[] c = z[s + 2];
            double zLast = c[last] ? 1 : 0;
            for (int j = 0; j < last; j++) {
                design[s * last + j] = (c[j] ? 1 : 0) - zLast;
            }
            target[s] = scores[s + 2] - empty - delta * zLast;
        }
        double[] beta = LinearFit.fit(design, last, target, null, false).coefficients();
        double sum = 0;
        for (int j = 0; j < last; j++) {
            phi[j] = beta[j];
            sum += beta[j];
        }
        phi[last] = delta - sum;
        return phi;
    }
}
