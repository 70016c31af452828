package dev.loupe.inspect.featuremaps;

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
import dev.loupe.render.Colormap;
import dev.loupe.render.TileGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Feature maps: what a layer's channels respond to in each input, one tile per channel. Each
 * channel is drawn after a ReLU and scaled by its own minimum and maximum, so a weak channel's
 * pattern shows as clearly as a strong one's; a channel that is silent (constant, usually all zero)
 * is drawn in the colormap's lowest colour. Tiles are the layer's own resolution enlarged by a whole
 * factor (nearest neighbour), so each activation is one uniform block. The raw activations (before
 * the ReLU and the scaling) are returned too.
 */
@Component(service = Inspector.class, property = Inspector.PROPERTY_ID + "=" + FeatureMaps.ID)
public final class FeatureMaps implements Inspector {
    /** The inspector id. */
    public static final String ID = "feature-maps";

    /** Ops after a convolution whose output is what the convolution's feature maps look like. */
    static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Clip",
            "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Gelu", "Mish");
    /** Normalisations that may sit between a convolution and its activation (unfolded BatchNorm). */
    static final Set<String> NORMALISATIONS = Set.of("BatchNormalization", "InstanceNormalization");

    private static final InspectorDescriptor DESCRIPTOR = new InspectorDescriptor(ID, "Feature maps",
            "Zeiler and Fergus 2014, Visualizing and Understanding Convolutional Networks; Yosinski et al. 2015, "
                    + "Understanding Neural Networks Through Deep Visualization",
            Set.of(Capability.LAYER_ACTIVATION), true,
            List.of(ParameterSpec.choice("colormap", "viridis", List.of("viridis", "gray", "jet"),
                            "colour scale of the tiles (each channel scaled to its own range after a ReLU)"),
                    ParameterSpec.integer("max-channels", 64, 1, 4096,
                            "draw at most this many channels of a layer (the first ones)"),
                    ParameterSpec.integer("tile-size", 64, 8, 1024,
                            "about how many pixels a tile is wide: the map is enlarged by round(tile-size / its "
                                    + "side), at least 1; with --unit the one tile is 4 times larger"),
                    ParameterSpec.bool("all-convolutions", false,
                            "also draw every convolution's output, taken after its activation where one follows")),
            "A layer's activation map for each channel and input, as a grid of tiles labelled with the channel "
                    + "index (--layer, default auto; --unit N draws one channel large).");

    @Override
    public InspectorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Inspection inspect(ExplainableModel model, InspectionRequest request, ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        Tensor inputs = request.requireInputs(ID);
        Colormap colormap = Colormap.parse(request.param("colormap"));
        int maxChannels = request.<Integer>param("max-channels");
        int tileSize = request.<Integer>param("tile-size");
        boolean allConvolutions = Boolean.TRUE.equals(request.param("all-convolutions"));

        List<String> asked = new ArrayList<>(request.layers());
        if (allConvolutions) {
            asked.addAll(convolutionOutputs(model.info()));
        } else if (asked.isEmpty()) {
            asked.add("auto");
        }
        LinkedHashSet<String> layers = new LinkedHashSet<>();
        for (String name : asked) {
            layers.add(model.resolveLayer(name));
        }
        for (String layer : layers) {
            checkSpatial(model.info(), layer);
            if (request.unit() != null) {
                LayerActivations.checkUnit(model, layer, request.unit());
            }
        }
        Map<String, Tensor> activations = LayerActivations.capture(model, inputs, List.copyOf(layers), false,
                context);

        Map<String, Tensor> arrays = new LinkedHashMap<>();
        Map<String, BufferedImage> figures = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, Object> perLayer = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : activations.entrySet()) {
            String layer = e.getKey();
            Tensor a = e.getValue();
            if (a.rank() != 4) {
                throw new LoupeException(ID + " draws spatial maps [N, C, H, W]; layer " + layer + " is "
                        + a.shapeString() + ". Choose a convolutional layer (`loupe layers --model M`)");
            }
            String key = sanitise(layer);
            arrays.put("activations-" + key, a);
            int channels = (int) a.shape()[1];
            int h = (int) a.shape()[2];
            int w = (int) a.shape()[3];
            int[] drawn = request.unit() != null ? new int[] {request.unit()}
                    : java.util.stream.IntStream.range(0, Math.min(channels, maxChannels)).toArray();
            int factor = factor(request.unit() != null ? 4 * tileSize : tileSize, h, w);
            for (int i = 0; i < inputs.batchSize(); i++) {
                List<BufferedImage> tiles = new ArrayList<>();
                List<List<String>> captions = new ArrayList<>();
                for (int c : drawn) {
                    tiles.add(TileGrid.enlarge(tile(a, i, c, colormap), factor));
                    captions.add(List.of(request.unit() != null ? "channel " + c + " of " + channels
                            : Integer.toString(c)));
                }
                String title = inputName(request, i) + " \u00b7 " + layer + (request.unit() != null ? ""
                        : " \u00b7 " + drawn.length + " of " + channels + " channels");
                int columns = request.unit() != null ? 1 : TileGrid.squareColumns(drawn.length);
                figures.put("feature-maps-" + i + "-" + key, TileGrid.draw(title, tiles, captions, columns, false));
            }
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("shape", Arrays.stream(a.shape()).boxed().toList());
            facts.put("channels drawn", drawn.length);
            facts.put("enlargement", factor);
            facts.put("silent channels", silentChannels(a));
            perLayer.put(layer, facts);
        }
        details.put("layers", perLayer);
        if (request.unit() != null) {
            details.put("unit", request.unit());
        }
        details.put("colormap", colormap.id());
        details.put("scaling", "ReLU, then each channel of each input min–max scaled to [0, 1]; a constant channel "
                + "gets the colormap's lowest colour");
        return new Inspection(ID, arrays, figures, Map.of(), details);
    }

    /**
     * One channel of one input as a picture at the layer's resolution.
     *
     * @param a the activations [N, C, H, W]
     * @param i the input
     * @param c the channel
     * @param colormap the colour scale
     * @return ReLU, min–max scaled, coloured; constant channels at the scale's bottom
     */
    static BufferedImage tile(Tensor a, int i, int c, Colormap colormap) {
        int channels = (int) a.shape()[1];
        int h = (int) a.shape()[2];
        int w = (int) a.shape()[3];
        int offset = (i * channels + c) * h * w;
        float[] d = a.data();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int q = 0; q < h * w; q++) {
            float v = Math.max(0f, d[offset + q]);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double range = max - min;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = Math.max(0f, d[offset + y * w + x]);
                double t = range > 0 ? (v - min) / range : 0;
                img.setRGB(x, y, colormap.rgb(t));
            }
        }
        return img;
    }

    /** @return the whole enlargement factor that brings the larger side near {@code size}, at least 1 */
    static int factor(int size, int h, int w) {
        return Math.max(1, (int) Math.round(size / (double) Math.max(h, w)));
    }

    /**
     * Every convolution's output as its feature maps are usually shown: after the activation that
     * follows it (stepping over a BatchNormalization in between), or the convolution's own output
     * where no activation follows.
     */
    static List<String> convolutionOutputs(ModelInfo info) {
        List<String> out = new ArrayList<>();
        for (ModelInfo.LayerInfo conv : LayerActivations.layersOfType(info, Set.of("Conv", "ConvTranspose"))) {
            ModelInfo.LayerInfo at = conv;
            ModelInfo.LayerInfo next = onlyConsumer(info, at);
            if (next != null && NORMALISATIONS.contains(next.opType())) {
                at = next;
                next = onlyConsumer(info, at);
            }
            out.add(next != null && ACTIVATIONS.contains(next.opType()) ? next.name() : conv.name());
        }
        if (out.isEmpty()) {
            throw new LoupeException("all-convolutions: this model has no Conv layers; name a layer with --layer");
        }
        return out;
    }

    private static ModelInfo.LayerInfo onlyConsumer(ModelInfo info, ModelInfo.LayerInfo layer) {
        List<ModelInfo.LayerInfo> consumers = info.layers().stream()
                .filter(l -> l.inputs().contains(layer.name())).toList();
        return consumers.size() == 1 ? consumers.get(0) : null;
    }

    private static void checkSpatial(ModelInfo info, String layer) {
        info.layers().stream().filter(l -> l.name().equals(layer)).findFirst().ifPresent(l -> {
            if (l.shape().length != 4) {
                throw new LoupeException(ID + " draws spatial maps [N, C, H, W]; layer " + layer + " has shape "
                        + Arrays.toString(l.shape()) + ". Choose a convolutional layer (`loupe layers --model M`)");
            }
        });
    }

    private static int silentChannels(Tensor a) {
        int n = (int) a.shape()[0];
        int channels = (int) a.shape()[1];
        int size = (int) (a.shape()[2] * a.shape()[3]);
        int silent = 0;
        for (int c = 0; c < channels; c++) {
            boolean any = false;
            for (int i = 0; i < n && !any; i++) {
                int offset = (i * channels + c) * size;
                for (int q = 0; q < size; q++) {
                    if (a.data()[offset + q] > 0) {
                        any = true;
                        break;
                    }
                }
            }
            silent += any ? 0 : 1;
        }
        return silent;
    }

    private static String inputName(InspectionRequest request, int i) {
        return i < request.names().size() ? request.names().get(i) : "input " + i;
    }

    /** @return a layer name as a file name: runs of other characters than letters, digits, '.', '-' become '_' */
    static String sanitise(String layer) {
        String s = layer.replaceAll("[^A-Za-z0-9.\\-]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "layer" : s;
    }
}
