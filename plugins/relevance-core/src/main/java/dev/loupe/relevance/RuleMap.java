package dev.loupe.relevance;

import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Canonizer;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which LRP rule, by name, applies where: per op type, per layer (which overrides the op type), and
 * the canonizers the rules assume. A {@link Composite} makes one for a model; per-layer overrides
 * change it; {@link #build} turns the names into a {@link BackwardRules} for a pass.
 *
 * @param byOpType rule names keyed by op type, e.g. {@code Conv → z-plus}
 * @param byLayer rule names keyed by node name (or output tensor name for unnamed nodes)
 * @param canonizers the graph rewrites the rules assume
 */
public record RuleMap(Map<String, String> byOpType, Map<String, String> byLayer, Set<Canonizer> canonizers) {

    /** Copies the maps, keeping their order, and checks the rule names. */
    public RuleMap {
        byOpType = Collections.unmodifiableMap(new LinkedHashMap<>(byOpType));
        byLayer = Collections.unmodifiableMap(new LinkedHashMap<>(byLayer));
        canonizers = Set.copyOf(canonizers);
        byOpType.values().forEach(RuleMap::checkName);
        byLayer.values().forEach(RuleMap::checkName);
    }

    /**
     * Adds per-layer rules written as {@code layer=rule} pairs separated by {@code ;} or {@code ,},
     * e.g. {@code /conv1/Conv=flat;/fc/Gemm=epsilon}. A layer is named by its node name or its
     * output tensor name.
     *
     * @param spec the overrides, or null or blank for none
     * @param model the model, whose layers the names must match
     * @return the map with the overrides
     * @throws LoupeException for a malformed pair, an unknown layer (listing the layers) or rule
     */
    public RuleMap withOverrides(String spec, ModelInfo model) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        Map<String, String> layers = new LinkedHashMap<>(byLayer);
        for (String pair : spec.split("[;,]")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.lastIndexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new LoupeException("per-layer rules are layer=rule pairs separated by ';', e.g. "
                        + "/conv1/Conv=flat; got '" + pair.trim() + "'");
            }
            String rule = pair.substring(eq + 1).trim();
            checkName(rule);
            String layer = pair.substring(0, eq).trim();
            refuseFolded(layer, model);
            layers.put(layerKey(layer, model), rule);
        }
        return new RuleMap(byOpType, layers, canonizers);
    }

    /**
     * @param settings the rules' constants
     * @return the rule set for a pass
     */
    public BackwardRules build(LrpRules.Settings settings) {
        Map<String, BackwardRule> made = new HashMap<>();
        Map<String, BackwardRule> ops = new HashMap<>();
        byOpType.forEach((op, name) -> ops.put(op, made.computeIfAbsent(name, n -> LrpRules.named(n, settings))));
        Map<String, BackwardRule> nodes = new HashMap<>();
        byLayer.forEach((node, name) -> nodes.put(node, made.computeIfAbsent(name, n -> LrpRules.named(n, settings))));
        return new BackwardRules(ops, nodes, canonizers);
    }

    /** @return the rule names per op type and per layer, for an attribution's details */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("op types", byOpType);
        d.put("layers", byLayer);
        d.put("canonizers", canonizers.stream().map(Enum::name).sorted().toList());
        return d;
    }

    /** @return whether any op type or layer uses {@code rule} */
    public boolean uses(String rule) {
        return byOpType.containsValue(rule) || byLayer.containsValue(rule);
    }

    /**
     * The key a layer's rule is stored under: its node name, which survives the canonizers (a folded
     * BatchNorm renames the convolution's output), or the output tensor name for an unnamed node.
     */
    static String layerKey(String name, ModelInfo model) {
        for (ModelInfo.LayerInfo layer : model.layers()) {
            if (name.equals(layer.name()) || name.equals(layer.nodeName())) {
                return keyOf(layer);
            }
        }
        List<String> known = model.layers().stream().map(l -> keyOf(l) + " (" + l.opType() + ")").toList();
        throw new LoupeException("the model has no layer '" + name + "' for a per-layer rule; its layers are: "
                + String.join(", ", known));
    }

    /** A BatchNorm the canonizer folds into the layer before it is no node of its own in the pass. */
    private void refuseFolded(String name, ModelInfo model) {
        if (!canonizers.contains(Canonizer.MERGE_BATCHNORM)) {
            return;
        }
        for (ModelInfo.LayerInfo bn : model.layers()) {
            if (!bn.opType().equals("BatchNormalization") || !name.equals(bn.name()) && !name.equals(bn.nodeName())
                    || bn.inputs().isEmpty()) {
                continue;
            }
            model.layers().stream().filter(l -> l.name().equals(bn.inputs().get(0))
                    && Set.of("Conv", "Gemm").contains(l.opType())).findFirst().ifPresent(linear -> {
                        throw new LoupeException("BatchNorm '" + name + "' is folded into " + linear.opType() + " '"
                                + keyOf(linear) + "' before the pass; give the rule to '" + keyOf(linear)
                                + "', or keep BatchNorm with merge-batchnorm=false");
                    });
        }
    }

    static String keyOf(ModelInfo.LayerInfo layer) {
        return layer.nodeName() == null || layer.nodeName().isEmpty() ? layer.name() : layer.nodeName();
    }

    private static void checkName(String rule) {
        if (!LrpRules.NAMES.contains(rule)) {
            throw new LoupeException("no LRP rule '" + rule + "'; the rules are: " + String.join(", ", LrpRules.NAMES));
        }
    }
}
