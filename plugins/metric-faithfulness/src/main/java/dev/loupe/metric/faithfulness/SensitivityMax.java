package dev.loupe.metric.faithfulness;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Explainer;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.osgi.service.component.annotations.Component;

/**
 * Max-sensitivity (Yeh et al. 2019), as Captum's {@code sensitivity_max}: the largest change
 * ‖Φ(x + δ) − Φ(x)‖ (Frobenius norm of the whole map) over random δ uniform in the L∞ ball of a
 * radius, divided by ‖Φ(x)‖ as Captum does ({@code normalize=false} gives the raw norm). Φ(x) is the
 * attribution being judged; the method runs again on every perturbed copy, the copies of several
 * inputs in one batch, with the same targets, layers and parameters.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + SensitivityMax.ID)
public final class SensitivityMax implements Metric {
    /** The metric id. */
    public static final String ID = "sensitivity-max";
    /** At most this many input values per re-run, so the copies of a large batch do not all sit in memory. */
    static final int MAX_VALUES_PER_RUN = 1 << 24;
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Max-sensitivity",
            "Yeh, Hsieh, Suggala, Inouye & Ravikumar 2019, On the (In)fidelity and Sensitivity of Explanations "
                    + "(NeurIPS)",
            false,
            List.of(ParameterSpec.integer("samples", 10, 1, 100_000, "perturbed copies per input"),
                    new ParameterSpec("radius", ParameterSpec.Type.NUMBER, 0.02, 0.0, null, List.of(),
                            "radius of the L∞ ball the perturbations are drawn from, in the model's input units"),
                    ParameterSpec.bool("normalize", true,
                            "divide by the norm of the original map (Captum); false: the raw norm of the change"),
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the perturbations")),
            "How much the map changes at most when the input moves a little (uniformly in a small L∞ ball): "
                    + "the largest norm of the change over random perturbations, relative to the map's norm.");

    @Override
    public MetricDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        Explainer method = Faithfulness.requireMethod(ID, input);
        method.descriptor().checkSupportedBy(input.model());
        Attribution original = input.attribution();
        Tensor inputs = input.inputs();
        Tensor phi = Faithfulness.map(original);
        Faithfulness.requireOnePerInput(ID, phi, inputs);
        int n = inputs.batchSize();
        Objective objective = Faithfulness.objective(ID, input);
        Map<String, Object> p = input.parameters();
        int samples = (int) Faithfulness.number(p, "samples", 10);
        double radius = Faithfulness.number(p, "radius", 0.02);
        boolean normalize = Faithfulness.bool(p, "normalize", true);
        long seed = (long) Faithfulness.number(p, "seed", 0);

        int size = inputs.itemSize();
        int per = phi.itemSize();
        float[] x = inputs.data();
        float[] ref = phi.data();
        double[] sensitivity = new double[n];
        ExplanationContext quiet = context.withProgress(ProgressListener.NONE);
        int group = (int) Math.max(1, Math.min(n, MAX_VALUES_PER_RUN / ((long) samples * size)));
        for (int first = 0; first < n; first += group) {
            context.cancellation().throwIfCancelled();
            int count = Math.min(group, n - first);
            int rows = count * samples;
            // row r is sample r % samples of input first + r / samples (Captum's repeat_interleave)
            int[] of = new int[rows];
            float[] batch = new float[Math.multiplyExact(rows, size)];
            int start = first;
            IntStream.range(0, rows).parallel().forEach(r -> {
                int i = start + r / samples;
                of[r] = i;
                SplittableRandom random = new SplittableRandom(Faithfulness.stream(seed, i, r % samples));
                for (int q = 0; q < size; q++) {
                    batch[r * size + q] = (float) (x[i * size + q] + radius * (2 * random.nextDouble() - 1));
                }
            });
            long[] shape = inputs.shape().clone();
            shape[0] = rows;
            ExplanationRequest request = new ExplanationRequest(objective.select(of), original.layers(),
                    original.parameters());
            Tensor maps = method.explain(input.model(), new Tensor(batch, shape), request, quiet).map();
            if (maps.batchSize() != rows || maps.itemSize() != per) {
                throw new LoupeException(ID + ": " + method.descriptor().id() + " gave maps " + maps.shapeString()
                        + " for the perturbed copies but " + phi.shapeString() + " for the inputs");
            }
            float[] m = maps.data();
            for (int r = 0; r < rows; r++) {
                int i = of[r];
                double sq = 0;
                for (int q = 0; q < per; q++) {
                    double d = (double) m[r * per + q] - ref[i * per + q];
                    sq += d * d;
                }
                sensitivity[i] = Math.max(sensitivity[i], Math.sqrt(sq));
            }
            context.progress().progress(first + count, n, "inputs");
        }
        if (normalize) {
            for (int i = 0; i < n; i++) {
                double sq = 0;
                for (int q = i * per; q < (i + 1) * per; q++) {
                    sq += (double) ref[q] * ref[q];
                }
                // as Captum: a zero map is divided by 1
                sensitivity[i] /= sq == 0 ? 1 : Math.sqrt(sq);
            }
        }
        return new Result(ID, Faithfulness.scores(sensitivity, "input-"), Map.of());
    }
}
