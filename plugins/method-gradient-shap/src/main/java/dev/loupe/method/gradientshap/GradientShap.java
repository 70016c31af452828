package dev.loupe.method.gradientshap;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.gradient.Baselines;
import dev.loupe.gradient.GaussianNoise;
import dev.loupe.gradient.GradientSweep;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * GradientSHAP / expected gradients (Lundberg & Lee 2017; Erion et al. 2021), as Captum's
 * GradientShap: for each of n samples draw a baseline b from a distribution, α uniform in [0, 1]
 * and optional noise x̃ = x + N(0, σ²); the attribution is the mean of
 * ∇F(b + α(x̃ − b)) ⊙ (x̃ − b). In expectation the attributions sum to F(x) − E[F(b)]; the
 * summary reports the remaining gap as the convergence delta.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + GradientShap.ID)
public final class GradientShap implements Explainer {
    /** The method id. */
    public static final String ID = "gradient-shap";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "GradientSHAP (expected gradients)",
            "gradient",
            "Lundberg & Lee 2017, A Unified Approach to Interpreting Model Predictions; Erion et al. 2021, "
                    + "Improving performance of deep learning models with axiomatic attribution priors and expected gradients",
            Set.of(Capability.INPUT_GRADIENT),
            List.of(ParameterSpec.string("baselines", "zero,uniform",
                    "the baseline distribution, a comma list; each entry is " + Baselines.HELP
                            + " (a file's rows are all candidates)"),
                    ParameterSpec.integer("samples", 50, 1, 100_000, "random points per input"),
                    ParameterSpec.number("noise", 0.0, 0, 1e9, "standard deviation of Gaussian noise added to the input"),
                    Baselines.BLUR_SIGMA,
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the draws")),
            "Integrated Gradients averaged over random baselines: each element's expected share of the score "
                    + "difference between the input and the baseline distribution.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        int samples = request.intParam("samples");
        double noise = request.doubleParam("noise");
        long seed = request.intParam("seed");
        List<List<float[]>> candidates = new Baselines(inputs, request.doubleParam(Baselines.BLUR_SIGMA.name()), seed)
                .distribution(Arrays.stream(request.stringParam("baselines").split(",")).map(String::trim).toList());
        GradientSweep sweep = GradientSweep.of(model, request.objective(), inputs, context);
        int size = sweep.itemSize();
        int n = inputs.batchSize();
        float[] x = inputs.data();
        double[] sum = new double[x.length];
        int[][] drawn = new int[n][];
        for (int i = 0; i < n; i++) {
            drawn[i] = new int[candidates.get(i).size()];
        }
        sweep.gradients(n, samples, (i, k, dest, off) -> {
            Draw d = new Draw(seed, i, k, candidates.get(i).size());
            float[] b = candidates.get(i).get(d.baseline);
            for (int p = 0; p < size; p++) {
                float noisy = d.noisy(x[i * size + p], noise);
                dest[off + p] = b[p] + d.alpha * (noisy - b[p]);
            }
        }, (i, k, g, off, value) -> {
            // the same draws again (one generator per point), for x̃ − b
            Draw d = new Draw(seed, i, k, candidates.get(i).size());
            drawn[i][d.baseline]++;
            float[] b = candidates.get(i).get(d.baseline);
            for (int p = 0; p < size; p++) {
                sum[i * size + p] += (double) g[off + p] * (d.noisy(x[i * size + p], noise) - b[p]);
            }
        }, "random points");
        float[] attribution = new float[x.length];
        double[] sums = new double[n];
        for (int p = 0; p < x.length; p++) {
            attribution[p] = (float) (sum[p] / samples);
            sums[p / size] += attribution[p];
        }
        return Attribution.of(ID, new Tensor(attribution, inputs.shape()), request)
                .withConvergenceDelta(delta(sweep, x, candidates, drawn, sums, samples));
    }

    /** Σattr − (F(x) − mean F(b)) over the baselines actually drawn. */
    private static double[] delta(GradientSweep sweep, float[] x, List<List<float[]>> candidates, int[][] drawn,
            double[] sums, int samples) {
        int n = candidates.size();
        int size = sweep.itemSize();
        int points = 1 + candidates.stream().mapToInt(List::size).max().orElse(0);
        // point 0 is the input, point 1 + c its candidate c (inputs with fewer candidates repeat the last)
        float[] f = sweep.objectives(n, points, (i, k, dest, off) -> {
            List<float[]> c = candidates.get(i);
            float[] v = k == 0 ? Arrays.copyOfRange(x, i * size, (i + 1) * size) : c.get(Math.min(k - 1, c.size() - 1));
            System.arraycopy(v, 0, dest, off, size);
        });
        double[] delta = new double[n];
        for (int i = 0; i < n; i++) {
            double expected = 0;
            for (int c = 0; c < drawn[i].length; c++) {
                expected += (double) drawn[i][c] / samples * f[i * points + 1 + c];
            }
            delta[i] = sums[i] - (f[i * points] - expected);
        }
        return delta;
    }

    /** One point's random choices, drawn from its own generator: baseline, α, then the noise. */
    private static final class Draw {
        final int baseline;
        final float alpha;
        private final SplittableRandom random;

        Draw(long seed, int input, int sample, int candidates) {
            random = GaussianNoise.random(seed, input, sample);
            baseline = random.nextInt(candidates);
            alpha = (float) random.nextDouble();
        }

        float noisy(float value, double sigma) {
            return sigma == 0 ? value : (float) (value + sigma * random.nextGaussian());
        }
    }
}
