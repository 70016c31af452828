package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.Canonizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * DeepLIFT as a rule set for passes over batches that stack inputs and their references: Rescale
 * or RevealCancel on elementwise nonlinearities, Captum's rule on max pooling, the Shapley split on
 * products of two activations, Captum's rule on inner softmaxes. Linear nodes (Conv, Gemm, Add,
 * pooling by averages, reshapes) need no rule: their gradient is DeepLIFT's linear rule. Nonlinear
 * nodes of several activations without a rule here (Div, Max, Min, Pow of two activations) keep
 * their gradient, and summation-to-delta is then approximate; {@link Notes} records where.
 */
final class DeepLiftRules {
    /** The elementwise functions of one activation (and constants) that take Rescale or RevealCancel. */
    static final Set<String> ELEMENTWISE = Set.of("Relu", "Sigmoid", "Tanh", "Softplus", "Softsign", "LeakyRelu",
            "Elu", "Selu", "PRelu", "HardSigmoid", "HardSwish", "Gelu", "ThresholdedRelu", "Celu", "Shrink", "Clip",
            "Mish", "Exp", "Log", "Sqrt", "Abs", "Erf", "Reciprocal", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan",
            "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Floor", "Ceil", "Round", "Sign", "Pow", "Max", "Min");

    /** Nonlinear in two activations with no DeepLIFT rule here: the gradient is used and noted. */
    private static final Set<String> PLAIN_WHEN_BINARY = Set.of("Div", "Pow", "Max", "Min");

    /** The rule for elementwise nonlinearities. */
    enum Mode {
        /** Δy/Δx per element. */
        RESCALE("rescale"),
        /** Positive and negative parts of the linear layer before the nonlinearity separated. */
        REVEAL_CANCEL("reveal-cancel"),
        /** Rescale as Captum 0.8 computes it, for comparisons: see {@link CaptumHooks}. */
        CAPTUM("captum");

        private final String id;

        Mode(String id) {
            this.id = id;
        }

        /** @return the parameter value */
        String id() {
            return id;
        }

        /** @return the mode named {@code id} */
        static Mode of(String id) {
            for (Mode m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown DeepLIFT rule " + id);
        }

        /** @return every parameter value */
        static List<String> ids() {
            List<String> ids = new ArrayList<>();
            for (Mode m : values()) {
                ids.add(m.id);
            }
            return ids;
        }
    }

    /** Where a pass departed from its rule: nodes that kept their gradient or fell back to Rescale. */
    static final class Notes {
        private final Set<String> plainGradient = new TreeSet<>();
        private final Set<String> rescaleInstead = new TreeSet<>();

        synchronized void plainGradient(BackwardRule.OpContext op, String why) {
            plainGradient.add(op.opType() + " '" + op.nodeName() + "' (" + why + ")");
        }

        synchronized void rescaleInstead(BackwardRule.OpContext op, String producer) {
            rescaleInstead.add(op.opType() + " '" + op.nodeName() + "' (input from " + producer + ")");
        }

        /** @return nodes whose gradient was used though they are nonlinear */
        synchronized List<String> plainGradientNodes() {
            return List.copyOf(plainGradient);
        }

        /** @return nodes where RevealCancel used Rescale */
        synchronized List<String> rescaleNodes() {
            return List.copyOf(rescaleInstead);
        }
    }

    private DeepLiftRules() {
    }

    /**
     * @param mode the rule for elementwise nonlinearities
     * @param scores the tensor (or node) the objective reads, where the seed is adjusted
     * @param probability whether the objective is a softmax probability (the pass then differentiates
     *     the raw score and the seed is made here)
     * @param softmaxAdjust whether to subtract the mean over classes from the seed
     * @param notes collects departures from the rules
     * @return the rule set
     */
    static BackwardRules of(Mode mode, String scores, boolean probability, boolean softmaxAdjust, Notes notes) {
        BackwardRules rules = BackwardRules.byOpType(mode == Mode.CAPTUM ? captum(notes) : ownRules(mode, notes));
        if (probability || softmaxAdjust) {
            rules = rules.withNodeRules(Map.of(scores, new ScoreSeedRule(rules, probability, softmaxAdjust)));
        }
        // RevealCancel needs the linear layer right before each nonlinearity: BatchNorm folded into it
        return mode == Mode.REVEAL_CANCEL ? rules.withCanonizers(Canonizer.MERGE_BATCHNORM) : rules;
    }

    private static Map<String, BackwardRule> captum(Notes notes) {
        CaptumHooks hooks = new CaptumHooks(notes);
        Map<String, BackwardRule> byType = new HashMap<>();
        CaptumHooks.HOOKED.keySet().forEach(type -> byType.put(type, hooks));
        return byType;
    }

    private static Map<String, BackwardRule> ownRules(Mode mode, Notes notes) {
        RescaleRule rescale = new RescaleRule(notes);
        BackwardRule elementwise = mode == Mode.RESCALE ? rescale : new RevealCancelRule(rescale, notes);
        BackwardRule product = new ProductRule();
        Map<String, BackwardRule> byType = new HashMap<>();
        for (String type : ELEMENTWISE) {
            byType.put(type, elementwise);
        }
        for (String type : PLAIN_WHEN_BINARY) {
            BackwardRule single = byType.get(type);
            byType.put(type, op -> {
                if (op.inputs().size() > 1) {
                    notes.plainGradient(op, "no DeepLIFT rule for " + op.opType() + " of two activations");
                    return op.plainBackward();
                }
                // Div by a constant is linear; Div of a constant by an activation is not handled
                return single != null ? single.backward(op) : op.plainBackward();
            });
        }
        byType.put("Mul", product);
        byType.put("MaxPool", new MaxPoolRule(notes));
        byType.put("GlobalMaxPool", new MaxPoolRule(notes));
        byType.put("Softmax", new SoftmaxRule(notes));
        return byType;
    }

    /** @return the mean of each row over all its values, shaped to broadcast against {@code m} */
    static NDArray rowMean(NDArray m) {
        long rows = m.getShape().get(0);
        long[] shape = new long[m.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = rows;
        return m.reshape(rows, -1).mean(new int[] {1}, true).reshape(shape);
    }
}
