package dev.loupe.inspect.filters;

import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.Inspector;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.inspect.LayerActivations;
import dev.loupe.render.TileGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Component;

/**
 * Filters: a convolution's learnt kernels as pictures. The first convolution of an image model
 * reads the three colour channels, so each of its kernels is shown as a small RGB image (edge,
 * colour-blob and Gabor-like detectors, as in Krizhevsky et al. 2012, Fig. 3); deeper kernels read
 * many channels and are shown as their mean over the input channels, one grey tile per filter, as the
 * course notebooks do. Every filter is scaled by its own minimum and maximum (over all its channels
 * and taps) to 0..255, then enlarged by a whole factor.
 *
 * <p><b>Which weights belong to a layer.</b> {@link ModelInfo.LayerInfo#inputs()} omits parameters
 * and {@link ExplainableModel#parameters()} names them as the model file does (PyTorch's exporter
 * writes {@code conv1.weight}, or {@code onnx::Conv_39} once BatchNorm is folded in), so the weight
 * is found by shape: a Conv's weight is [out, in/groups, k...] with {@code out} the layer's channels
 * and {@code in/groups} dividing the channels of the layer it reads (ConvTranspose: [in, out/groups,
 * k...]). One such parameter: that is it. Several: the one named after the node's module
 * ({@code /features/0/Conv} → {@code features.0.weight}); else, among the convolutions with the same
 * candidates, the j-th in graph order takes the j-th candidate in the order {@code parameters()}
 * lists them (the file's initializer order, which exporters write in graph order).
 */
@Component(service = Inspector.class, property = Inspector.PROPERTY_ID + "=" + Filters.ID)
public final class Filters implements Inspector {
    /** The inspector id. */
    public static final String ID = "filters";

    static final Set<String> CONVOLUTIONS = Set.of("Conv", "ConvTranspose");
    /** Single-input ops that may follow a convolution; a layer name after them still means the convolution. */
    static final Set<String> FOLLOWERS = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Clip", "Sigmoid",
            "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Gelu", "Mish", "BatchNormalization",
            "InstanceNormalization");

    private static final InspectorDescriptor DESCRIPTOR = new InspectorDescriptor(ID, "Filters",
            "Krizhevsky, Sutskever and Hinton 2012, ImageNet Classification with Deep Convolutional Neural Networks "
                    + "(Fig. 3); Zeiler and Fergus 2014",
            Set.of(Capability.PARAMETERS), false,
            List.of(ParameterSpec.integer("scale", 8, 1, 64, "each kernel tap becomes a scale × scale block"),
                    ParameterSpec.choice("mode", "auto", List.of("auto", "rgb", "mean"),
                            "rgb: a kernel's three input channels as red, green, blue; mean: the mean over input "
                                    + "channels as grey; auto: rgb where the layer reads 3 channels, else mean")),
            "A convolution's kernels as a labelled grid of tiles, each scaled to its own range (--layer a Conv node "
                    + "or its output, default the first convolution); the weights are written as .npy.");

    @Override
    public InspectorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Inspection inspect(ExplainableModel model, InspectionRequest request, ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        int scale = request.<Integer>param("scale");
        String mode = request.param("mode");
        ModelInfo info = model.info();
        List<ModelInfo.LayerInfo> convolutions = LayerActivations.layersOfType(info, CONVOLUTIONS);
        if (convolutions.isEmpty()) {
            throw new LoupeException(ID + ": this model has no Conv or ConvTranspose layers, so no filters to show");
        }
        LinkedHashSet<ModelInfo.LayerInfo> layers = new LinkedHashSet<>();
        if (request.layers().isEmpty()) {
            layers.add(convolutions.get(0));
        }
        for (String name : request.layers()) {
            layers.add(convolution(info, name, convolutions));
        }
        Map<String, Tensor> parameters = model.parameters();

        Map<String, Tensor> arrays = new LinkedHashMap<>();
        Map<String, BufferedImage> figures = new LinkedHashMap<>();
        Map<String, Object> perLayer = new LinkedHashMap<>();
        for (ModelInfo.LayerInfo conv : layers) {
            String parameter = weightOf(info, conv, parameters, convolutions);
            Tensor w = parameters.get(parameter);
            long[] s = w.shape();
            if (s.length != 3 && s.length != 4) {
                throw new LoupeException(ID + " draws 1-D and 2-D kernels; " + conv.nodeName() + " has weights "
                        + w.shapeString());
            }
            int in = (int) s[1];
            boolean rgb = switch (mode) {
                case "rgb" -> {
                    if (in != 3) {
                        throw new LoupeException("mode=rgb needs kernels over 3 input channels; " + conv.nodeName()
                                + " has " + in + " (weights " + w.shapeString() + "); use mode=mean");
                    }
                    yield true;
                }
                case "mean" -> false;
                default -> in == 3;
            };
            List<BufferedImage> tiles = new ArrayList<>();
            List<List<String>> captions = new ArrayList<>();
            for (int k = 0; k < s[0]; k++) {
                tiles.add(TileGrid.enlarge(rgb ? rgbTile(w, k) : meanTile(w, k), scale));
                captions.add(List.of(Integer.toString(k)));
            }
            String key = sanitise(conv.name());
            arrays.put("weights-" + key, w);
            int kh = s.length == 4 ? (int) s[2] : 1;
            int kw = (int) s[s.length - 1];
            String title = conv.nodeName() + " \u00b7 " + s[0] + " filters " + kh + "\u00d7" + kw
                    + (rgb ? " \u00b7 RGB" : " \u00b7 mean of " + in + " channels");
            figures.put("filters-" + key, TileGrid.draw(title, tiles, captions, TileGrid.squareColumns(tiles.size()),
                    false));
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("node", conv.nodeName());
            facts.put("parameter", parameter);
            facts.put("shape", Arrays.stream(s).boxed().toList());
            facts.put("drawn as", rgb ? "rgb" : "mean over input channels");
            perLayer.put(conv.name(), facts);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("layers", perLayer);
        details.put("scale", scale);
        details.put("scaling", "each filter min–max scaled to 0..255 over all its channels and taps");
        return new Inspection(ID, arrays, figures, Map.of(), details);
    }

    /**
     * Filter {@code k} as RGB: input channels 0, 1, 2 as red, green, blue, scaled together by the
     * filter's minimum and maximum.
     */
    static BufferedImage rgbTile(Tensor w, int k) {
        long[] s = w.shape();
        int kh = s.length == 4 ? (int) s[2] : 1;
        int kw = (int) s[s.length - 1];
        int taps = kh * kw;
        int offset = k * 3 * taps;
        float[] d = Arrays.copyOfRange(w.data(), offset, offset + 3 * taps);
        double[] range = range(d);
        BufferedImage img = new BufferedImage(kw, kh, BufferedImage.TYPE_INT_RGB);
        for (int q = 0; q < taps; q++) {
            int r = level(d[q], range);
            int g = level(d[taps + q], range);
            int b = level(d[2 * taps + q], range);
            img.setRGB(q % kw, q / kw, (r << 16) | (g << 8) | b);
        }
        return img;
    }

    /** Filter {@code k} averaged over its input channels, as grey scaled by its own minimum and maximum. */
    static BufferedImage meanTile(Tensor w, int k) {
        long[] s = w.shape();
        int kh = s.length == 4 ? (int) s[2] : 1;
        int kw = (int) s[s.length - 1];
        int taps = kh * kw;
        float[] mean = mean(w, k);
        double[] range = range(mean);
        BufferedImage img = new BufferedImage(kw, kh, BufferedImage.TYPE_INT_RGB);
        for (int q = 0; q < taps; q++) {
            int v = level(mean[q], range);
            img.setRGB(q % kw, q / kw, (v << 16) | (v << 8) | v);
        }
        return img;
    }

    /** @return filter {@code k}'s mean over input channels, [kh·kw] */
    static float[] mean(Tensor w, int k) {
        long[] s = w.shape();
        int in = (int) s[1];
        int taps = (int) (s.length == 4 ? s[2] * s[3] : s[2]);
        float[] mean = new float[taps];
        for (int q = 0; q < taps; q++) {
            double acc = 0;
            for (int c = 0; c < in; c++) {
                acc += w.data()[(k * in + c) * taps + q];
            }
            mean[q] = (float) (acc / in);
        }
        return mean;
    }

    private static double[] range(float[] d) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : d) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new double[] {min, max};
    }

    /** @return round((v − min) / (max − min) · 255); 0 for a constant filter */
    private static int level(float v, double[] range) {
        double span = range[1] - range[0];
        return span > 0 ? (int) Math.round((v - range[0]) / span * 255) : 0;
    }

    /**
     * The convolution a user means: a Conv layer by output or node name, or a layer right after one
     * (its activation or normalisation), which is taken back to the convolution.
     */
    static ModelInfo.LayerInfo convolution(ModelInfo info, String name, List<ModelInfo.LayerInfo> convolutions) {
        ModelInfo.LayerInfo layer = find(info, name);
        if (layer == null) {
            throw new LoupeException("unknown layer '" + name + "'; the convolutions of this model are " + listing(
                    convolutions));
        }
        ModelInfo.LayerInfo at = layer;
        while (!CONVOLUTIONS.contains(at.opType()) && FOLLOWERS.contains(at.opType()) && at.inputs().size() == 1) {
            ModelInfo.LayerInfo previous = find(info, at.inputs().get(0));
            if (previous == null) {
                break;
            }
            at = previous;
        }
        if (!CONVOLUTIONS.contains(at.opType())) {
            throw new LoupeException("layer '" + name + "' is a " + layer.opType() + " node, not a convolution; "
                    + ID + " shows the kernels of " + listing(convolutions));
        }
        return at;
    }

    /**
     * The name of a convolution's weight among the model's parameters (see the class comment for the
     * rule).
     *
     * @throws LoupeException when no parameter has the weight's shape
     */
    static String weightOf(ModelInfo info, ModelInfo.LayerInfo conv, Map<String, Tensor> parameters,
            List<ModelInfo.LayerInfo> convolutions) {
        List<String> candidates = candidates(info, conv, parameters);
        if (candidates.isEmpty()) {
            throw new LoupeException(ID + ": no parameter of the model has the shape of " + conv.nodeName()
                    + "'s weights (" + conv.opType() + " with " + channels(conv.shape()) + " output channels); its "
                    + "weights may be computed at run time. Parameters: " + parameters.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue().shapeString()).collect(Collectors.joining(", ")));
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String module = module(conv.nodeName());
        if (!module.isEmpty() && candidates.contains(module + ".weight")) {
            return module + ".weight";
        }
        int j = 0;
        for (ModelInfo.LayerInfo other : convolutions) {
            if (other.name().equals(conv.name())) {
                break;
            }
            if (candidates(info, other, parameters).equals(candidates)) {
                j++;
            }
        }
        if (j >= candidates.size()) {
            throw new LoupeException(ID + ": cannot tell which of " + candidates + " are the weights of "
                    + conv.nodeName());
        }
        return candidates.get(j);
    }

    private static List<String> candidates(ModelInfo info, ModelInfo.LayerInfo conv, Map<String, Tensor> parameters) {
        long out = channels(conv.shape());
        long in = conv.inputs().isEmpty() ? -1 : inputChannels(info, conv.inputs().get(0));
        boolean transpose = conv.opType().equals("ConvTranspose");
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            long[] s = e.getValue().shape();
            if (s.length < 3 || (conv.shape().length > 0 && s.length != conv.shape().length)) {
                continue;
            }
            boolean fits = transpose
                    ? (in < 0 || s[0] == in) && (out < 0 || (s[1] > 0 && out % s[1] == 0))
                    : (out < 0 || s[0] == out) && (in < 0 || (s[1] > 0 && in % s[1] == 0));
            if (fits) {
                found.add(e.getKey());
            }
        }
        return found;
    }

    private static long inputChannels(ModelInfo info, String value) {
        ModelInfo.LayerInfo l = find(info, value);
        if (l != null) {
            return channels(l.shape());
        }
        return info.inputs().stream().filter(t -> t.name().equals(value)).findFirst()
                .map(t -> channels(t.shape())).orElse(-1L);
    }

    private static long channels(long[] shape) {
        return shape.length > 1 ? shape[1] : -1;
    }

    /** {@code /features/0/Conv} → {@code features.0}; PyTorch's exporter names nodes after modules. */
    static String module(String nodeName) {
        String[] parts = nodeName.split("/");
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < parts.length - 1; i++) {
            if (!parts[i].isEmpty()) {
                kept.add(parts[i]);
            }
        }
        return String.join(".", kept);
    }

    private static ModelInfo.LayerInfo find(ModelInfo info, String name) {
        for (ModelInfo.LayerInfo l : info.layers()) {
            if (l.name().equals(name) || l.nodeName().equals(name)) {
                return l;
            }
        }
        return null;
    }

    private static String listing(List<ModelInfo.LayerInfo> convolutions) {
        return convolutions.stream().map(l -> l.nodeName() + " (output " + l.name() + ", " + channels(l.shape())
                + " filters)").collect(Collectors.joining(", "));
    }

    /** @return a layer name as a file name: runs of other characters than letters, digits, '.', '-' become '_' */
    static String sanitise(String layer) {
        String s = layer.replaceAll("[^A-Za-z0-9.\\-]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "layer" : s;
    }
}
