package dev.loupe.relevance;

import static dev.loupe.relevance.LrpRules.ALPHA_BETA;
import static dev.loupe.relevance.LrpRules.FLAT;
import static dev.loupe.relevance.LrpRules.GAMMA;
import static dev.loupe.relevance.LrpRules.NORM;
import static dev.loupe.relevance.LrpRules.PASS;
import static dev.loupe.relevance.LrpRules.Z_BOX;
import static dev.loupe.relevance.LrpRules.Z_PLUS;

import dev.loupe.api.Canonizer;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named LRP composites: which rule each kind of layer gets, as Zennit's composites map module
 * types to rules. Convolutions are {@code Conv} and {@code ConvTranspose}; fully connected layers
 * {@code Gemm} and {@code MatMul}. Every composite but {@link #EPSILON} and
 * {@link #EXCITATION_BACKPROP} shares Zennit's base map: activations pass, sums and average pools
 * norm, BatchNorm that could not be folded passes; products and quotients of activations pass too,
 * since ONNX spells activations such as hard-swish with Mul and Div. Max pools keep their gradient
 * (they route the relevance to the maximum). The "first layer" of the {@code -flat} and {@code -box}
 * composites is the first such layer in execution order — the one that reads the input in
 * ordinary feed-forward models, as Zennit takes the first module.
 */
public enum Composite {
    /** Epsilon on every linear, BatchNorm, pooling and sum layer; activations pass (Captum's LRP defaults). */
    EPSILON("epsilon", "the epsilon rule on every linear, BatchNorm, pooling and sum layer (Captum's defaults)"),
    /** z-plus on convolutions, epsilon on fully connected layers. */
    EPSILON_PLUS("epsilon-plus", "z-plus on convolutions, epsilon on fully connected layers"),
    /** As {@link #EPSILON_PLUS}, with the flat rule on the first linear layer. */
    EPSILON_PLUS_FLAT("epsilon-plus-flat", "flat on the first linear layer, z-plus on the other convolutions, "
            + "epsilon on fully connected layers (Zennit's recommendation)"),
    /** alpha-beta on convolutions, epsilon on fully connected layers. */
    EPSILON_ALPHA2_BETA1("epsilon-alpha2-beta1", "alpha-beta (alpha, beta parameters; 2 and 1) on convolutions, "
            + "epsilon on fully connected layers"),
    /** As {@link #EPSILON_ALPHA2_BETA1}, with the flat rule on the first linear layer. */
    EPSILON_ALPHA2_BETA1_FLAT("epsilon-alpha2-beta1-flat", "flat on the first linear layer, alpha-beta on the "
            + "other convolutions, epsilon on fully connected layers"),
    /** z-box on the first convolution, gamma on the others, epsilon on fully connected layers. */
    EPSILON_GAMMA_BOX("epsilon-gamma-box", "z-box on the first convolution (low, high parameters), gamma on the "
            + "other convolutions, epsilon on fully connected layers"),
    /** Excitation Backprop (Zhang et al. 2016) as Zennit composes it: z-plus on every linear layer. */
    EXCITATION_BACKPROP("excitation-backprop", "z-plus on every linear layer, norm on sums and average pools, "
            + "plain gradients elsewhere (Excitation Backprop, as Zennit composes it)");

    /** Convolutions. */
    public static final Set<String> CONVOLUTIONS = Set.of("Conv", "ConvTranspose");
    /** Fully connected layers. */
    public static final Set<String> DENSE = Set.of("Gemm", "MatMul");
    /** Elementwise activations: their relevance passes. */
    public static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu",
            "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Softsign", "Clip", "Mish", "ThresholdedRelu");
    /** Sums and means of their inputs: shared in proportion to each contribution. */
    public static final Set<String> SUMS = Set.of("Sum", "Add", "AveragePool", "GlobalAveragePool");

    private final String id;
    private final String description;

    Composite(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** @return the name users give, e.g. {@code epsilon-plus-flat} */
    public String id() {
        return id;
    }

    /** @return one line for parameter help */
    public String description() {
        return description;
    }

    /** @return every composite's id */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Composite::id).toList();
    }

    /**
     * @param id a composite's id
     * @return the composite
     * @throws LoupeException naming the composites when there is none by that id
     */
    public static Composite of(String id) {
        for (Composite c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new LoupeException("no LRP composite '" + id + "'; the composites are: " + String.join(", ", ids()));
    }

    /**
     * @param model the model (its layers name the first linear layer)
     * @param mergeBatchNorm whether BatchNorm is folded into the linear layer before it (Zennit's
     *     canonizer); residual additions are always made explicit sums
     * @return the rules of this composite for the model
     */
    public RuleMap ruleMap(ModelInfo model, boolean mergeBatchNorm) {
        Map<String, String> ops = new LinkedHashMap<>();
        Map<String, String> layers = new LinkedHashMap<>();
        switch (this) {
            case EPSILON -> {
                put(ops, ACTIVATIONS, PASS);
                put(ops, Set.of("Mul", "Div"), PASS);
                put(ops, union(CONVOLUTIONS, DENSE, SUMS, Set.of("BatchNormalization", "MaxPool")),
                        LrpRules.EPSILON);
            }
            case EXCITATION_BACKPROP -> {
                put(ops, SUMS, NORM);
                put(ops, union(CONVOLUTIONS, DENSE), Z_PLUS);
            }
            default -> {
                base(ops);
                put(ops, CONVOLUTIONS, convolutionRule());
                put(ops, DENSE, LrpRules.EPSILON);
                String first = firstRule();
                if (first != null) {
                    Set<String> kinds = this == EPSILON_GAMMA_BOX ? CONVOLUTIONS : union(CONVOLUTIONS, DENSE);
                    model.layers().stream().filter(l -> kinds.contains(l.opType())).findFirst()
                            .ifPresent(l -> layers.put(RuleMap.keyOf(l), first));
                }
            }
        }
        Set<Canonizer> canonizers = EnumSet.of(Canonizer.EXPLICIT_RESIDUAL);
        if (mergeBatchNorm) {
            canonizers.add(Canonizer.MERGE_BATCHNORM);
        }
        return new RuleMap(ops, layers, canonizers);
    }

    private String convolutionRule() {
        return switch (this) {
            case EPSILON_PLUS, EPSILON_PLUS_FLAT -> Z_PLUS;
            case EPSILON_ALPHA2_BETA1, EPSILON_ALPHA2_BETA1_FLAT -> ALPHA_BETA;
            case EPSILON_GAMMA_BOX -> GAMMA;
            default -> throw new IllegalStateException(id);
        };
    }

    private String firstRule() {
        return switch (this) {
            case EPSILON_PLUS_FLAT, EPSILON_ALPHA2_BETA1_FLAT -> FLAT;
            case EPSILON_GAMMA_BOX -> Z_BOX;
            default -> null;
        };
    }

    /** Zennit's base layer map, with ONNX's spelled-out activations. */
    private static void base(Map<String, String> ops) {
        put(ops, ACTIVATIONS, PASS);
        put(ops, Set.of("Mul", "Div", "BatchNormalization"), PASS);
        put(ops, SUMS, NORM);
    }

    private static void put(Map<String, String> ops, Set<String> types, String rule) {
        types.stream().sorted().forEach(t -> ops.put(t, rule));
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }
}
