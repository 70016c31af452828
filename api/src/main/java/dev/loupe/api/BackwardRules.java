package dev.loupe.api;

import java.util.Map;

/**
 * Which {@link BackwardRule} applies to which node: by node name first, then by op type; nodes
 * with no rule use their plain gradient.
 *
 * @param byOpType rules keyed by op type ({@code Relu}, {@code Conv}, ...)
 * @param byNodeName rules keyed by node or output tensor name; these override {@code byOpType}
 */
public record BackwardRules(Map<String, BackwardRule> byOpType, Map<String, BackwardRule> byNodeName) {

    /** Copies the maps. */
    public BackwardRules {
        byOpType = Map.copyOf(byOpType);
        byNodeName = Map.copyOf(byNodeName);
    }

    /** @return a rule set keyed by op type only */
    public static BackwardRules byOpType(Map<String, BackwardRule> rules) {
        return new BackwardRules(rules, Map.of());
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
