package dev.loupe.metric.faithfulness;

import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.PerturbationSweep;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Completeness (Sundararajan et al. 2017), summation-to-delta (Shrikumar et al. 2017): per input,
 * δ = Σ attribution − (F(x) − F(x′)) for the explained logit, with a constant baseline x′. Integrated
 * Gradients, DeepLIFT and exact Shapley values satisfy it (δ = 0); the map is summed over every value,
 * so it needs no particular shape.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + Completeness.ID)
public final class Completeness implements Metric {
    /** The metric id. */
    public static final String ID = "completeness";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Completeness",
            "Sundararajan, Taly & Yan 2017, Axiomatic Attribution for Deep Networks (completeness); Shrikumar, "
                    + "Greenside & Kundaje 2017, Learning Important Features Through Propagating Activation "
                    + "Differences (summation-to-delta)",
            false,
            List.of(new ParameterSpec("baseline", ParameterSpec.Type.NUMBER, 0.0, null, null, List.of(),
                    "the baseline input x′, one value for every element (the method's own baseline)")),
            "How far the attributions fall short of summing to the score difference F(x) − F(baseline) of the "
                    + "explained logit: 0 for methods that satisfy completeness (Integrated Gradients, DeepLIFT).");

    @Override
    public MetricDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        Tensor inputs = input.inputs();
        Tensor map = Faithfulness.map(input.attribution());
        Faithfulness.requireOnePerInput(ID, map, inputs);
        int n = inputs.batchSize();
        float baseline = (float) Faithfulness.number(input.parameters(), "baseline", 0);
        PerturbationSweep sweep = new PerturbationSweep(input.model(), Faithfulness.objective(ID, input), inputs,
                context);
        int size = sweep.itemSize();
        float[] x = inputs.data();
        // sample 0: the input, sample 1: the baseline, in one sweep
        float[][] f = sweep.objectives(2, (i, k, dest, off) -> {
            if (k == 0) {
                System.arraycopy(x, i * size, dest, off, size);
            } else {
                Arrays.fill(dest, off, off + size, baseline);
            }
        }, "inputs and baselines");
        float[] a = map.data();
        int per = map.itemSize();
        double[] delta = new double[n];
        double[] gap = new double[n];
        double absDelta = 0;
        double absGap = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int p = i * per; p < (i + 1) * per; p++) {
                sum += a[p];
            }
            gap[i] = (double) f[i][0] - f[i][1];
            delta[i] = sum - gap[i];
            absDelta += Math.abs(delta[i]);
            absGap += Math.abs(gap[i]);
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("score", absDelta / n);
        // a ratio of sums, so one input whose score does not move cannot make it infinite; left out
        // when no score moves at all
        if (absGap > 0) {
            scores.put("relative", absDelta / absGap);
        }
        for (int i = 0; i < n; i++) {
            scores.put("delta-" + i, delta[i]);
        }
        for (int i = 0; i < n; i++) {
            scores.put("gap-" + i, gap[i]);
        }
        return new Result(ID, scores, Map.of());
    }
}
