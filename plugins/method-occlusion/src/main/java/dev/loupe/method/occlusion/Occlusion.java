package dev.loupe.method.occlusion;

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
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Occlusion (Zeiler &amp; Fergus 2014), as Captum computes it: a window slides over the input with a
 * stride; each position is replaced by the substrate and the drop of the score, f(x) − f(x occluded),
 * is credited to every element of the window. An element's attribution is the mean over the windows
 * covering it. Windows at the far edges are cut where the input ends (Captum's shift count
 * ⌈(size − window) / stride⌉ + 1).
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + Occlusion.ID)
public final class Occlusion implements Explainer {
    /** The method id. */
    public static final String ID = "occlusion";
    private static final List<ParameterSpec> PARAMETERS = parameters();
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "Occlusion", "perturbation",
            "Zeiler & Fergus 2014, Visualizing and Understanding Convolutional Networks",
            Set.of(Capability.FORWARD), PARAMETERS,
            "How much the class score drops when a sliding window around each element is hidden; each element"
                    + " gets the mean over the windows covering it.");

    private static List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>();
        p.add(ParameterSpec.string("window", "8,8", "the sliding window's size over the last axes, e.g. 8,8 (all"
                + " channels at once) or 1,8,8 (one channel at a time); leading axes not given span the input"));
        p.add(ParameterSpec.string("stride", null, "the window's step per axis, as many numbers as window (or one for"
                + " all), at most the window; default: half the window (rounded up)"));
        p.addAll(Substrate.parameters("0"));
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
        long[] itemShape = Arrays.copyOfRange(inputs.shape(), 1, inputs.shape().length);
        Windows windows = Windows.of(itemShape, request.stringParam("window"), request.stringParam("stride"));
        float[] x = inputs.data();
        float[] substrate = Substrate.from(request).of(inputs).data();
        PerturbationSweep sweep = new PerturbationSweep(model, request.objective(), inputs, context);
        int size = sweep.itemSize();
        float[] original = sweep.originals();
        float[][] occluded = sweep.objectives(windows.count(), (i, w, dest, off) -> {
            System.arraycopy(x, i * size, dest, off, size);
            windows.forEachRun(w, (start, length) -> System.arraycopy(substrate, i * size + start, dest, off + start,
                    length));
        }, "occlusion windows");

        int n = inputs.batchSize();
        int[] covered = new int[size];
        for (int w = 0; w < windows.count(); w++) {
            windows.forEachRun(w, (start, length) -> {
                for (int k = start; k < start + length; k++) {
                    covered[k]++;
                }
            });
        }
        float[] map = new float[x.length];
        double[] sum = new double[size];
        for (int i = 0; i < n; i++) {
            Arrays.fill(sum, 0);
            for (int w = 0; w < windows.count(); w++) {
                // Captum takes the difference in float32 before summing
                double drop = original[i] - occluded[i][w];
                windows.forEachRun(w, (start, length) -> {
                    for (int k = start; k < start + length; k++) {
                        sum[k] += drop;
                    }
                });
            }
            for (int k = 0; k < size; k++) {
                map[i * size + k] = (float) (sum[k] / covered[k]);
            }
        }
        return Attribution.of(ID, new Tensor(map, inputs.shape()), request)
                .withDetail("windows", windows.count())
                .withDetail("window", windows.describeWindow())
                .withDetail("stride", windows.describeStride())
                .withDetail("evaluations", (long) n * (windows.count() + 1))
                .withTiming("total", (System.nanoTime() - started) / 1e6);
    }
}
