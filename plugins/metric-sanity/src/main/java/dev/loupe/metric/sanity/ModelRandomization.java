package dev.loupe.metric.sanity;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ChannelReduction;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ModelInfo.LayerInfo;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Component;

/**
 * Cascading model randomisation (Adebayo et al. 2018): the parameterised layers are re-drawn at
 * random from the logits down, one more at each step; after each step the method runs again and its
 * maps are compared with the original ones by Spearman rank correlation. A map that stays the same
 * while the weights become noise does not explain the model.
 *
 * <p>Parameterised layers are those {@link dev.loupe.api.ModelInfo#layers()} lists with op type
 * Conv, ConvTranspose, Gemm or MatMul whose weights are stored, not computed: the node reads exactly
 * one tensor that is not a parameter (layers whose inputs are unknown count by op type, except
 * MatMul, which may multiply two activations). These are the ops whose weights and biases backends
 * re-draw (PyTorch's default initialisation); BatchNormalization is left as it is: exporters usually
 * fold it into the convolution, and the ONNX backend has no initialisation for its statistics.
 *
 * <p>The attribution records its targets but not the objective's kind, so the method is re-run on
 * the raw score (logit) of each target.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + ModelRandomization.ID)
public final class ModelRandomization implements Metric {
    /** The metric id. */
    public static final String ID = "sanity-model-randomization";
    /** The op types whose weights are re-drawn. */
    static final Set<String> WEIGHTED_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");
    private static final String ALL = "all";
    private static final String AUTO = "auto";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Model randomisation sanity check",
            "Adebayo, Gilmer, Muelly, Goodfellow, Hardt & Kim 2018, Sanity Checks for Saliency Maps (NeurIPS)",
            false,
            List.of(ParameterSpec.bool("absolute", true,
                            "compare the magnitude of the maps (the paper's main figures); false keeps the sign"),
                    ParameterSpec.choice("reduction", AUTO, List.of(AUTO, "abs-sum", "abs-max", "sum", "l2"),
                            "how channels become one value per pixel; auto: abs-sum when absolute, sum otherwise"),
                    ParameterSpec.string("layers", ALL,
                            "comma list of parameterised layers to randomise (node or tensor names); all: every one"),
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE, "seed of the re-drawn weights")),
            "Re-draws the model's weights from the logits down, layer by layer, re-runs the method and gives the "
                    + "Spearman rank correlation of its maps with the original ones: low means the maps depend on "
                    + "what the model learnt.");

    @Override
    public MetricDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        ExplainableModel model = input.model();
        Explainer method = input.method();
        Attribution original = input.attribution();
        if (method == null) {
            throw new LoupeException(ID + " re-runs the method that produced the attribution on randomised copies "
                    + "of the model; it needs that method (" + original.methodId() + "), and none was given");
        }
        if (!model.supports(Capability.PARAMETERS)) {
            throw new LoupeException(ID + " needs PARAMETERS (re-drawing weights); the " + model.backendId()
                    + " backend offers " + model.capabilities().stream().map(Enum::name).sorted()
                            .collect(Collectors.joining(", "))
                    + " only (load the model with a backend that offers PARAMETERS, e.g. --backend onnx)");
        }
        method.descriptor().checkSupportedBy(model);
        Map<String, Object> p = input.parameters();
        boolean absolute = (Boolean) p.getOrDefault("absolute", true);
        String r = String.valueOf(p.getOrDefault("reduction", AUTO));
        ChannelReduction reduction = AUTO.equals(r)
                ? (absolute ? ChannelReduction.ABS_SUM : ChannelReduction.SUM) : ChannelReduction.parse(r);
        List<LayerInfo> layers = layers(model, String.valueOf(p.getOrDefault("layers", ALL)));
        long seed = ((Number) p.getOrDefault("seed", 0)).longValue();

        int n = input.inputs().batchSize();
        float[][] reference = planes(original.map(), reduction, absolute, n);
        // the same objective, layers and parameters as the original run
        ExplanationRequest request = new ExplanationRequest(input.objective(), original.layers(),
                original.parameters());
        ExplanationContext quiet = context.withProgress(ProgressListener.NONE);
        int steps = layers.size();
        int digits = Math.max(2, String.valueOf(steps).length());
        List<Double> mean = new ArrayList<>(List.of(1.0));
        List<List<Double>> perInput = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perInput.add(new ArrayList<>(List.of(1.0)));
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int k = 1; k <= steps; k++) {
            context.cancellation().throwIfCancelled();
            // top-first order with one seed: a backend drawing layers in the order given keeps the
            // upper layers' draws from step to step, so each step only adds one layer of noise
            List<String> top = layers.subList(0, k).stream().map(LayerInfo::name).toList();
            Attribution again;
            try (ExplainableModel randomized = model.withRandomizedLayers(top, seed)) {
                again = method.explain(randomized, input.inputs(), request, quiet);
            }
            float[][] maps = planes(again.map(), reduction, absolute, n);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double rho = Spearman.correlation(reference[i], maps[i]);
                perInput.get(i).add(rho);
                sum += rho;
            }
            mean.add(sum / n);
            // Result keeps no order: the zero-padded step in the key sorts the layers for a plot's labels
            scores.put(String.format(Locale.ROOT, "layer-%0" + digits + "d-%s", k, label(layers.get(k - 1))), sum / n);
            context.progress().progress(k, steps, "randomised layers");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("score", mean.get(steps));
        out.putAll(scores);
        for (int i = 0; i < n; i++) {
            out.put("input-" + i, perInput.get(i).get(steps));
        }
        Map<String, List<Double>> curves = new LinkedHashMap<>();
        curves.put("spearman", mean);
        for (int i = 0; i < n; i++) {
            curves.put("spearman-input-" + i, perInput.get(i));
        }
        return new Result(ID, out, curves);
    }

    /**
     * @return the layers to randomise, top (logits) first
     * @throws LoupeException if a named layer is unknown or has no weights, or the model has none
     */
    static List<LayerInfo> layers(ExplainableModel model, String wanted) {
        List<LayerInfo> all = model.info().layers();
        List<LayerInfo> weighted = all.stream().filter(ModelRandomization::parameterised).toList();
        if (weighted.isEmpty()) {
            throw new LoupeException(ID + ": " + model.info().name() + " has no layers with stored weights to re-draw "
                    + "(looked for " + String.join(", ", WEIGHTED_OPS.stream().sorted().toList()) + " among its "
                    + all.size() + " layers)");
        }
        List<LayerInfo> chosen;
        if (wanted.isBlank() || ALL.equals(wanted.trim())) {
            chosen = weighted;
        } else {
            chosen = new ArrayList<>();
            for (String name : wanted.split(",")) {
                String n = name.trim();
                if (n.isEmpty()) {
                    continue;
                }
                LayerInfo layer = all.stream().filter(l -> l.name().equals(n) || l.nodeName().equals(n)).findFirst()
                        .orElse(null);
                if (layer == null || !parameterised(layer)) {
                    throw new LoupeException(ID + ": layer '" + n + "' " + (layer == null ? "is not a layer of "
                            + model.info().name() : "is a " + layer.opType() + " node without weights")
                            + "; its parameterised layers are " + weighted.stream().map(ModelRandomization::label)
                                    .collect(Collectors.joining(", ")));
                }
                if (!chosen.contains(layer)) {
                    chosen.add(layer);
                }
            }
            // whatever order the user gave, the cascade runs from the top
            chosen.sort((a, b) -> Integer.compare(all.indexOf(a), all.indexOf(b)));
        }
        List<LayerInfo> top = new ArrayList<>(chosen);
        Collections.reverse(top);
        return top;
    }

    static boolean parameterised(LayerInfo layer) {
        if (!WEIGHTED_OPS.contains(layer.opType())) {
            return false;
        }
        // inputs() lists the tensors a node reads, parameters excluded: one means the weights are stored
        return layer.inputs().isEmpty() ? !"MatMul".equals(layer.opType()) : layer.inputs().size() == 1;
    }

    private static String label(LayerInfo layer) {
        return layer.nodeName() == null || layer.nodeName().isEmpty() ? layer.name() : layer.nodeName();
    }

    /** @return per input, the channel-reduced map (and its magnitude when {@code absolute}) */
    private static float[][] planes(Tensor map, ChannelReduction reduction, boolean absolute, int n) {
        if (map.batchSize() != n) {
            throw new LoupeException(ID + ": the map has " + map.batchSize() + " items for " + n + " inputs");
        }
        Tensor reduced = map.rank() == 3 || map.rank() == 4 ? reduction.apply(map)
                : new Tensor(map.data().clone(), map.shape());
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = reduced.item(i).data();
            if (absolute) {
                for (int q = 0; q < out[i].length; q++) {
                    out[i][q] = Math.abs(out[i][q]);
                }
            }
        }
        return out;
    }
}
