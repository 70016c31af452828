package dev.loupe.method.smoothgrad;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.Tensor;
import dev.loupe.gradient.GaussianNoise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.osgi.service.component.annotations.Component;

/**
 * SmoothGrad (Smilkov et al. 2017) as a noise tunnel, like Captum's NoiseTunnel: runs any
 * installed method on n noisy copies of each input, x + N(0, σ²), and reports the mean of its
 * maps ({@code smoothgrad}), the mean of their squares ({@code smoothgrad-sq}) or their variance
 * ({@code vargrad}). The copies go to the wrapped method in batches the compute service plans.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + SmoothGrad.ID)
public final class SmoothGrad implements Explainer {
    /** The method id. */
    public static final String ID = "smoothgrad";
    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(ID, "SmoothGrad (noise tunnel)", "gradient",
            "Smilkov et al. 2017, SmoothGrad: removing noise by adding noise; Adebayo et al. 2018 (VarGrad)",
            // what the wrapped method needs is checked when it is known
            Set.of(Capability.FORWARD),
            List.of(ParameterSpec.string("wrap", "saliency", "the installed method to smooth (its id)"),
                    ParameterSpec.string("wrap-params", null,
                            "the wrapped method's parameters as key=value pairs separated by ','"),
                    ParameterSpec.choice("type", "smoothgrad", List.of("smoothgrad", "smoothgrad-sq", "vargrad"),
                            "mean of the maps, mean of their squares, or their variance"),
                    ParameterSpec.integer("samples", 50, 1, 100_000, "noisy copies per input"),
                    ParameterSpec.number("sigma", 0.15, 0, 1e9, "noise standard deviation (see sigma-mode)"),
                    ParameterSpec.choice("sigma-mode", "relative", List.of("relative", "absolute"),
                            "relative: sigma times (max - min) of each input, the paper's noise level; absolute: "
                                    + "sigma as is (Captum's stdevs)"),
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "noise seed")),
            "The wrapped method's map averaged over noisy copies of the input: sharper, less noisy maps.");

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Attribution explain(ExplainableModel model, Tensor inputs, ExplanationRequest request,
            ExplanationContext context) {
        String wrapId = request.stringParam("wrap");
        if (wrapId.equals(ID)) {
            throw new LoupeException("smoothgrad cannot wrap itself; choose another method with --param wrap=ID");
        }
        Explainer wrapped = context.method(wrapId).orElseThrow(() -> new LoupeException("smoothgrad wraps " + wrapId
                + ", which is not installed; install it or choose another method with --param wrap=ID"));
        wrapped.descriptor().checkSupportedBy(model);
        Map<String, Object> wrappedParams = ParameterSpec.resolve(wrapId, wrapped.descriptor().parameters(),
                pairs(request.stringParam("wrap-params")));
        int samples = request.intParam("samples");
        long seed = request.intParam("seed");
        int n = inputs.batchSize();
        int size = inputs.itemSize();
        float[] x = inputs.data();
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = request.stringParam("sigma-mode").equals("relative")
                    ? GaussianNoise.relativeSigma(x, i * size, size, request.doubleParam("sigma"))
                    : request.doubleParam("sigma");
        }
        boolean gradients = wrapped.descriptor().requires().stream().anyMatch(c -> c != Capability.FORWARD);
        ComputeService compute = context.compute();
        ComputeService.BatchPlan plan = compute.plan(new ComputeService.Workload(n * samples,
                model.bytesPerEvaluation(gradients), gradients, "noisy copies"));
        // the tunnel reports progress per batch; the wrapped method stays quiet
        ExplanationContext quiet = context.withProgress(ProgressListener.NONE);
        String type = request.stringParam("type");
        // the plain mean needs no squares
        boolean squares = !type.equals("smoothgrad");
        Moments maps = new Moments(n, squares);
        Moments layerMaps = new Moments(n, squares);
        List<Attribution> first = new ArrayList<>();
        compute.run(plan, batch -> {
            int b = batch.size();
            float[] noisy = new float[b * size];
            int[] rows = new int[b];
            IntStream.range(0, b).parallel().forEach(j -> {
                int e = batch.start() + j;
                GaussianNoise.add(x, e / samples * size, noisy, j * size, size, sigma[e / samples],
                        GaussianNoise.random(seed, e / samples, e % samples));
            });
            for (int j = 0; j < b; j++) {
                rows[j] = (batch.start() + j) / samples;
            }
            long[] shape = inputs.shape().clone();
            shape[0] = b;
            Attribution a = wrapped.explain(model, new Tensor(noisy, shape),
                    new ExplanationRequest(request.objective().select(rows), request.layers(), wrappedParams), quiet);
            if (first.isEmpty()) {
                first.add(a);
            }
            maps.add(rows, a.map());
            layerMaps.add(rows, a.layerMap());
            return null;
        }, context.progress(), context.cancellation());
        Attribution inner = first.get(0);
        Attribution out = Attribution.of(ID, maps.result(type, samples), request)
                .withDetail("wrapped", wrapId)
                .withDetail("wrappedParameters", new LinkedHashMap<>(wrappedParams));
        return layerMaps.isEmpty() ? out : out.withLayerMap(layerMaps.result(type, samples), inner.layers());
    }

    /** Parses {@code k=v,k=v}. */
    static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new LoupeException("wrap-params must be key=value pairs separated by ','; got '" + pair + "'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** Per-input sums of maps (and of their squares), in double, in the order maps arrive. */
    private static final class Moments {
        private final int inputs;
        private final boolean withSquares;
        private double[] sum;
        private double[] squares;
        private long[] itemShape;

        Moments(int inputs, boolean withSquares) {
            this.inputs = inputs;
            this.withSquares = withSquares;
        }

        boolean isEmpty() {
            return sum == null;
        }

        void add(int[] rows, Tensor maps) {
            if (maps == null) {
                return;
            }
            int size = maps.itemSize();
            if (sum == null) {
                itemShape = maps.shape().clone();
                sum = new double[inputs * size];
                squares = withSquares ? new double[inputs * size] : null;
            }
            float[] v = maps.data();
            for (int j = 0; j < rows.length; j++) {
                int to = rows[j] * size;
                int from = j * size;
                for (int p = 0; p < size; p++) {
                    sum[to + p] += v[from + p];
                }
                if (withSquares) {
                    for (int p = 0; p < size; p++) {
                        double m = v[from + p];
                        squares[to + p] += m * m;
                    }
                }
            }
        }

        Tensor result(String type, int samples) {
            float[] out = new float[sum.length];
            for (int p = 0; p < out.length; p++) {
                double mean = sum[p] / samples;
                out[p] = (float) switch (type) {
                    case "smoothgrad" -> mean;
                    case "smoothgrad-sq" -> squares[p] / samples;
                    default -> squares[p] / samples - mean * mean;
                };
            }
            long[] shape = itemShape.clone();
            shape[0] = inputs;
            return new Tensor(out, shape);
        }
    }
}
