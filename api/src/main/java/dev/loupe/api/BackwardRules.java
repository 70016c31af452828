package dev.loupe.api;

import java.util.Map;
import java.util.Set;

/**
 * Which {@link BackwardRule} applies to which node: by node name first, then by op type; nodes
 * with no rule use their plain gradient.
 *
 * @param byOpType rules keyed by op type ({@code Relu}, {@code Conv}, ...)
 * @param byNodeName rules keyed by node or output tensor name; these override {@code byOpType}
 * @param canonizers graph rewrites the rules assume (applied before the pass, to a copy)
 */
public record BackwardRules(Map<String, BackwardRule> byOpType, Map<String, BackwardRule> byNodeName,
        Set<Canonizer> canonizers) {

    /** Copies the collections. */
    public BackwardRules {
        byOpType = Map.copyOf(byOpType);
        byNodeName = Map.copyOf(byNodeName);
        canonizers = Set.copyOf(canonizers);
    }

    /** @return a rule set keyed by op type only, on the model as it is */
    public static BackwardRules byOpType(Map<String, BackwardRule> rules) {
        return new BackwardRules(rules, Map.of(), Set.of());
    }

    /** @return these rules with per-node overrides added (a node name or its output tensor name) */
    public BackwardRules withNodeRules(Map<String, BackwardRule> rules) {
        Map<String, BackwardRule> merged = new java.util.HashMap<>(byNodeName);
        merged.putAll(rules);
        return new BackwardRules(byOpType, merged, canonizers);
    }

    /** @return these rules, applied to the model rewritten by {@code needed} */
    public BackwardRules withCanonizers(Canonizer... needed) {
        return new BackwardRules(byOpType, byNodeName, Set.of(needed));
    }

    /**
     * @param opType the node's op type
     * @param nodeName the node's name
     * @return the rule for the node, or null for the plain gradient
     */
    public BackwardRule ruleFor(String opType, String nodeName) {
        BackwardRule rule = byNodeName.get(nodeName);
        return rule != null ? rule : byOpType.get(opType);
    }
}
