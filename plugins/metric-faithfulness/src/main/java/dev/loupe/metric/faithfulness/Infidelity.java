package dev.loupe.metric.faithfulness;

import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.PerturbationSweep;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Infidelity (Yeh et al. 2019), as Captum's {@code infidelity}: INFD = E_I[(Iᵀ·Φ − (f(x) − f(x − I)))²]
 * with Gaussian perturbations I ~ N(0, σ²) per element and f the explained logit. {@code normalize}
 * first scales Φ by the least-squares β = E[Iᵀ·Φ · (f(x) − f(x − I))] / E[(Iᵀ·Φ)²], so only the
 * map's direction counts. {@code multiply-by-inputs} judges maps that already include the input
 * factor (input×gradient, Integrated Gradients, DeepLIFT) as Captum's perturbation decorator does:
 * the perturbation is divided by x − baseline (by 1 where that is 0).
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + Infidelity.ID)
public final class Infidelity implements Metric {
    /** The metric id. */
    public static final String ID = "infidelity";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Infidelity",
            "Yeh, Hsieh, Suggala, Inouye & Ravikumar 2019, On the (In)fidelity and Sensitivity of Explanations "
                    + "(NeurIPS)",
            false,
            List.of(ParameterSpec.integer("samples", 32, 1, 1_000_000, "perturbations per input"),
                    new ParameterSpec("sigma", ParameterSpec.Type.NUMBER, 0.003, 0.0, null, List.of(),
                            "standard deviation of the Gaussian perturbation, in the model's input units "
                                    + "(Captum's example value)"),
                    ParameterSpec.bool("normalize", false,
                            "scale the map by the best-fitting factor first, so that its scale does not count"),
                    ParameterSpec.bool("multiply-by-inputs", false,
                            "the map includes the input factor (input×gradient, IG, DeepLIFT): divide the "
                                    + "perturbation by x − baseline"),
                    new ParameterSpec("baseline", ParameterSpec.Type.NUMBER, 0.0, null, null, List.of(),
                            "the baseline of multiply-by-inputs"),
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the perturbations")),
            "The mean squared error between the map's prediction of the score change under small random "
                    + "perturbations (Iᵀ·Φ) and the actual change f(x) − f(x − I) of the explained logit.");

    @Override
    public MetricDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        Tensor inputs = input.inputs();
        Tensor map = Faithfulness.map(input.attribution());
        Faithfulness.requireInputShape(ID, map, inputs);
        Map<String, Object> p = input.parameters();
        int samples = (int) Faithfulness.number(p, "samples", 32);
        double sigma = Faithfulness.number(p, "sigma", 0.003);
        boolean normalize = Faithfulness.bool(p, "normalize", false);
        boolean byInputs = Faithfulness.bool(p, "multiply-by-inputs", false);
        float baseline = (float) Faithfulness.number(p, "baseline", 0);
        long seed = (long) Faithfulness.number(p, "seed", 0);

        PerturbationSweep sweep = new PerturbationSweep(input.model(), Faithfulness.objective(ID, input), inputs,
                context);
        int n = inputs.batchSize();
        int size = sweep.itemSize();
        float[] x = inputs.data();
        float[] phi = map.data();
        // Iᵀ·Φ is taken while each copy is written, so no perturbation is kept; each (input, sample)
        // writes only its own cell
        double[][] dot = new double[n][samples];
        float[][] perturbed = sweep.objectives(samples, (i, s, dest, off) -> {
            SplittableRandom random = new SplittableRandom(Faithfulness.stream(seed, i, s));
            int from = i * size;
            double d = 0;
            for (int q = 0; q < size; q++) {
                float xq = x[from + q];
                float xp = (float) (xq - sigma * random.nextGaussian());
                dest[off + q] = xp;
                // the perturbation actually applied, after rounding, as Captum's input − perturbed
                float iq = xq - xp;
                if (byInputs) {
                    float denom = xq - baseline;
                    iq = iq / (denom == 0 ? 1 : denom);
                }
                d += (double) phi[from + q] * iq;
            }
            dot[i][s] = d;
        }, "infidelity perturbations");
        float[] fx = sweep.originals();

        double[] infd = new double[n];
        double[] betas = new double[n];
        for (int i = 0; i < n; i++) {
            double aa = 0;
            double ab = 0;
            for (int s = 0; s < samples; s++) {
                double b = (double) fx[i] - perturbed[i][s];
                aa += dot[i][s] * dot[i][s];
                ab += dot[i][s] * b;
            }
            // Captum's safe_div: a zero denominator counts as 1
            double beta = normalize ? ab / (aa == 0 ? 1 : aa) : 1;
            double sum = 0;
            for (int s = 0; s < samples; s++) {
                double e = beta * dot[i][s] - ((double) fx[i] - perturbed[i][s]);
                sum += e * e;
            }
            infd[i] = sum / samples;
            betas[i] = beta;
        }
        Map<String, Double> scores = Faithfulness.scores(infd, "input-");
        if (normalize) {
            for (int i = 0; i < n; i++) {
                scores.put("beta-" + i, betas[i]);
            }
        }
        return new Result(ID, scores, Map.of());
    }
}
