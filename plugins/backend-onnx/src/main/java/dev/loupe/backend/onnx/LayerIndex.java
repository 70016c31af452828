package dev.loupe.backend.onnx;

import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo.LayerInfo;
import dev.loupe.backend.onnx.graph.Graph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resolves layer names a user gives — an ONNX value (tensor) name, a node name, or {@code auto} —
 * to the value a pass captures.
 */
final class LayerIndex {
    /** The layer name that picks the last spatial feature map before global pooling. */
    static final String AUTO = "auto";

    private static final Set<String> GLOBAL_POOLING = Set.of("GlobalAveragePool", "GlobalMaxPool");
    private static final Set<String> REDUCTIONS = Set.of("ReduceMean", "ReduceMax");

    private final List<LayerInfo> layers;
    private final Map<String, LayerInfo> byValue = new LinkedHashMap<>();
    private final Map<String, LayerInfo> byNode = new LinkedHashMap<>();
    private final Graph graph;
    private final String inputName;

    LayerIndex(List<LayerInfo> layers, Graph graph, String inputName) {
        this.layers = layers;
        this.graph = graph;
        this.inputName = inputName;
        for (LayerInfo l : layers) {
            byValue.put(l.name(), l);
            byNode.putIfAbsent(l.nodeName(), l);
        }
    }

    /**
     * @param name a value name, a node name or {@code auto}
     * @return the value name
     * @throws LoupeException listing the known layers when the name is unknown
     */
    String resolve(String name) {
        if (AUTO.equals(name)) {
            return auto();
        }
        if (byValue.containsKey(name) || name.equals(inputName)) {
            return name;
        }
        LayerInfo node = byNode.get(name);
        if (node != null) {
            return node.name();
        }
        throw new LoupeException("unknown layer '" + name + "'; layers of this model (value names; node names work too): "
                + listing() + ". `loupe layers --model M` lists them with op types and shapes");
    }

    private String listing() {
        int shown = 40;
        String head = layers.stream().limit(shown).map(LayerInfo::name).collect(Collectors.joining(", "));
        return layers.size() > shown ? head + ", … (" + (layers.size() - shown) + " more)" : head;
    }

    /** The input of the last global pooling (the last spatial feature map), else the last 4-D map. */
    private String auto() {
        List<Graph.Step> steps = graph.steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Graph.Step s = steps.get(i);
            boolean pooling = GLOBAL_POOLING.contains(s.opType())
                    || REDUCTIONS.contains(s.opType()) && spatial(s.node().inputs().get(0));
            if (pooling && byValue.containsKey(s.node().inputs().get(0))) {
                return s.node().inputs().get(0);
            }
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (spatial(layers.get(i).name())) {
                return layers.get(i).name();
            }
        }
        throw new LoupeException("layer 'auto' found no spatial feature map (a [N, C, H, W] layer before global pooling)"
                + " in this model; name a layer with --layer (see `loupe layers`)");
    }

    private boolean spatial(String value) {
        LayerInfo l = byValue.get(value);
        return l != null && l.shape().length == 4 && l.shape()[2] > 1 && l.shape()[3] > 1;
    }

    List<LayerInfo> layers() {
        return layers;
    }

    /** @return the layer producing {@code value}, or null */
    LayerInfo layer(String value) {
        return byValue.get(value);
    }
}
