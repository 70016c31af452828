package dev.loupe.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.LoupeException;
import java.util.Arrays;
import java.util.List;

/**
 * The LRP rules (Bach et al. 2015; Montavon et al. 2019) as {@link BackwardRule}s, with Zennit's
 * semantics: a rule recomputes the layer on modified inputs and parameters, divides the relevance
 * arriving at the output by the stabilised modified output, takes the layer's vector-Jacobian
 * product and multiplies by the (modified) input. The signal a rule hands down is therefore the
 * relevance itself, and the signal at the model input is the input relevance.
 *
 * <p>Stabilising adds {@code ε · sign(z)} to a denominator {@code z}, with sign(0) = +1. Inputs are
 * split into their positive and negative parts, weights into {@code W⁺ = max(W, 0)} and
 * {@code W⁻ = min(W, 0)}; where a rule keeps the bias it is modified like the weight, and the terms
 * of negative inputs take none (as in Zennit 0.5).
 */
public final class LrpRules {
    /** Rule name: z / (z + ε·sign z) on the layer's own output. */
    public static final String EPSILON = "epsilon";
    /** Rule name: positive contributions only (α = 1, β = 0). */
    public static final String Z_PLUS = "z-plus";
    /** Rule name: α·positive − β·negative contributions, α − β = 1. */
    public static final String ALPHA_BETA = "alpha-beta";
    /** Rule name: positive weights favoured by γ. */
    public static final String GAMMA = "gamma";
    /** Rule name: for inputs bounded by [low, high] (the first layer on pixels). */
    public static final String Z_BOX = "z-box";
    /** Rule name: every input of the receptive field weighs the same (first layer). */
    public static final String FLAT = "flat";
    /** Rule name: shares by the squared weights (first layer on unbounded inputs). */
    public static final String W_SQUARE = "w-square";
    /** Rule name: the relevance passes unchanged (activations); a gate of a product takes none. */
    public static final String PASS = "pass";
    /** Rule name: shares in proportion to each input's contribution to a sum or mean (residuals, pools). */
    public static final String NORM = "norm";
    /** Rule name: the op's plain gradient, as a node without any rule. */
    public static final String GRADIENT = "gradient";
    /** Every rule name, for messages and parameter help. */
    public static final List<String> NAMES = List.of(EPSILON, Z_PLUS, ALPHA_BETA, GAMMA, Z_BOX, FLAT, W_SQUARE, PASS,
            NORM, GRADIENT);

    private LrpRules() {
    }

    /**
     * The constants of the rules.
     *
     * @param epsilon ε of the epsilon rule (often larger than a mere stabiliser)
     * @param stabilizer the stabiliser of every other rule
     * @param gamma γ of the gamma rule
     * @param alpha α of the alpha-beta rule
     * @param beta β of the alpha-beta rule; α − β must be 1
     * @param low the z-box rule's lowest input value, or null for each input's own minimum
     * @param high the z-box rule's highest input value, or null for each input's own maximum
     */
    public record Settings(double epsilon, double stabilizer, double gamma, double alpha, double beta, Double low,
            Double high) {

        /** Checks the constants. */
        public Settings {
            if (!(epsilon >= 0) || !(stabilizer >= 0) || !(gamma >= 0)) {
                throw new LoupeException("epsilon, stabilizer and gamma must be non-negative numbers; got epsilon "
                        + epsilon + ", stabilizer " + stabilizer + ", gamma " + gamma);
            }
            checkAlphaBeta(alpha, beta);
            if (low != null && high != null && !(low < high)) {
                throw new LoupeException("the z-box bounds need low < high; got low " + low + ", high " + high);
            }
        }

        /** @return Zennit's defaults: every ε 1e-6, γ 0.25, α 2, β 1, z-box bounds from each input */
        public static Settings defaults() {
            return new Settings(1e-6, 1e-6, 0.25, 2, 1, null, null);
        }

        /** @return these settings with another ε for the epsilon rule */
        public Settings withEpsilon(double newEpsilon) {
            return new Settings(newEpsilon, stabilizer, gamma, alpha, beta, low, high);
        }

        /** @return these settings with z-box bounds */
        public Settings withBounds(Double newLow, Double newHigh) {
            return new Settings(epsilon, stabilizer, gamma, alpha, beta, newLow, newHigh);
        }
    }

    /**
     * @param name one of {@link #NAMES}
     * @param settings the constants
     * @return the rule
     * @throws LoupeException naming the rules when {@code name} is none of them
     */
    public static BackwardRule named(String name, Settings settings) {
        return switch (name) {
            case EPSILON -> epsilon(settings.epsilon());
            case Z_PLUS -> zPlus(settings.stabilizer());
            case ALPHA_BETA -> alphaBeta(settings.alpha(), settings.beta(), settings.stabilizer());
            case GAMMA -> gamma(settings.gamma(), settings.stabilizer());
            case Z_BOX -> zBox(settings.low(), settings.high(), settings.stabilizer());
            case FLAT -> flat(settings.stabilizer());
            case W_SQUARE -> wSquare(settings.stabilizer());
            case PASS -> pass();
            case NORM -> norm(settings.stabilizer());
            case GRADIENT -> gradient();
            default -> throw new LoupeException("no LRP rule '" + name + "'; the rules are: "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * Epsilon: {@code R_in = x ⊙ Jᵀ(R / (z + ε·sign z))} with z the op's own output, bias included.
     * It needs no weight, so it applies to any op (pools, BatchNorm, sums); ε → 0 is LRP-0.
     *
     * @param epsilon ε
     * @return the rule
     */
    public static BackwardRule epsilon(double epsilon) {
        return scoped(op -> {
            NDArray signal = op.gradOutput().div(stabilize(op.output(), epsilon));
            NDList inputs = op.inputs();
            NDList gradients = op.vjp(inputs, op.parameters(), signal);
            NDList relevance = new NDList(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                NDArray g = gradients.get(i);
                relevance.add(g == null ? null : inputs.get(i).mul(g));
            }
            return relevance;
        });
    }

    /**
     * Norm: the epsilon rule with ε only a stabiliser, for ops without weights (sums, average
     * pools): each input's share is its contribution to the output.
     *
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule norm(double stabilizer) {
        return epsilon(stabilizer);
    }

    /**
     * z-plus: {@code R_in = x⁺ ⊙ W⁺ᵀ s + x⁻ ⊙ W⁻ᵀ s}, {@code s = R / stab(W⁺x⁺ + b⁺ + W⁻x⁻)}: only
     * contributions that raise the output share its relevance.
     *
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule zPlus(double stabilizer) {
        return zPlus(stabilizer, true);
    }

    /**
     * z-plus with or without the positive bias in the normaliser; without it, the relevance reaching
     * a layer is shared among its inputs only, as Excitation Backprop's winning probabilities are.
     *
     * @param stabilizer the stabiliser
     * @param positiveBias whether b⁺ counts in the normaliser (Zennit) or not (Zhang et al., TorchRay)
     * @return the rule
     */
    public static BackwardRule zPlus(double stabilizer, boolean positiveBias) {
        return scoped(op -> {
            LinearLayer layer = new LinearLayer(op, Z_PLUS);
            Parts p = new Parts(layer);
            NDArray zero = layer.bias(b -> b.zerosLike());
            NDArray bias = positiveBias ? layer.bias(LrpRules::pos) : zero;
            // each term's VJP reuses its recorded forward, so it is asked with the same arrays
            NDArray z = layer.forward(p.xPos, p.wPos, bias);
            if (p.signed) {
                z = z.add(layer.forward(p.xNeg, p.wNeg(), zero));
            }
            // x⁺W⁺, x⁻W⁻ and b⁺ are never negative: the stabiliser's sign is always +
            NDArray signal = layer.relevance().div(z.add(stabilizer));
            NDArray r = p.xPos.mul(layer.gradient(p.xPos, p.wPos, bias, signal));
            return new NDList(p.signed ? r.add(p.xNeg.mul(layer.gradient(p.xNeg, p.wNeg(), zero, signal))) : r);
        });
    }

    /**
     * Alpha-beta: α times the positive contributions' shares minus β times the negative ones', each
     * normalised by its own total; α − β = 1 conserves the relevance.
     *
     * @param alpha α
     * @param beta β
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule alphaBeta(double alpha, double beta, double stabilizer) {
        checkAlphaBeta(alpha, beta);
        return scoped(op -> {
            LinearLayer layer = new LinearLayer(op, ALPHA_BETA);
            Parts p = new Parts(layer);
            NDArray zero = layer.bias(b -> b.zerosLike());
            NDArray bPos = layer.bias(LrpRules::pos);
            NDArray bNeg = layer.bias(LrpRules::neg);
            NDArray r = layer.relevance();
            NDArray zUp = layer.forward(p.xPos, p.wPos, bPos);
            NDArray zDown = layer.forward(p.xPos, p.wNeg(), bNeg);
            if (p.signed) {
                zUp = zUp.add(layer.forward(p.xNeg, p.wNeg(), zero));
                zDown = zDown.add(layer.forward(p.xNeg, p.wPos, zero));
            }
            NDArray positive = r.div(stabilize(zUp, stabilizer));
            NDArray negative = r.div(stabilize(zDown, stabilizer));
            NDArray kept = p.xPos.mul(layer.gradient(p.xPos, p.wPos, bPos, positive));
            NDArray opposed = p.xPos.mul(layer.gradient(p.xPos, p.wNeg(), bNeg, negative));
            if (p.signed) {
                kept = kept.add(p.xNeg.mul(layer.gradient(p.xNeg, p.wNeg(), zero, positive)));
                opposed = opposed.add(p.xNeg.mul(layer.gradient(p.xNeg, p.wPos, zero, negative)));
            }
            return new NDList(kept.mul(alpha).sub(opposed.mul(beta)));
        });
    }

    /**
     * Gamma (generalised to signed inputs, as Zennit's): weights {@code W + γW⁺} for contributions
     * that agree with the output's sign, {@code W + γW⁻} for those that oppose it; where the output
     * is positive the relevance goes by the first, where negative by the second.
     *
     * @param gamma γ
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule gamma(double gamma, double stabilizer) {
        return scoped(op -> {
            LinearLayer layer = new LinearLayer(op, GAMMA);
            Parts p = new Parts(layer);
            NDArray w = layer.weight();
            NDArray wUp = w.add(p.wPos.mul(gamma));
            NDArray wDown = w.add(p.wNeg().mul(gamma));
            NDArray zero = layer.bias(b -> b.zerosLike());
            NDArray bUp = layer.bias(b -> b.add(pos(b).mul(gamma)));
            NDArray bDown = layer.bias(b -> b.add(neg(b).mul(gamma)));
            NDArray r = layer.relevance();
            NDArray out = layer.output();
            NDArray zUp = layer.forward(p.xPos, wUp, bUp);
            NDArray zDown = layer.forward(p.xPos, wDown, bDown);
            if (p.signed) {
                zUp = zUp.add(layer.forward(p.xNeg, wDown, zero));
                zDown = zDown.add(layer.forward(p.xNeg, wUp, zero));
            }
            NDArray positive = r.mul(out.gt(0).toType(out.getDataType(), false)).div(stabilize(zUp, stabilizer));
            NDArray negative = r.mul(out.lt(0).toType(out.getDataType(), false)).div(stabilize(zDown, stabilizer));
            NDArray shares = p.xPos.mul(layer.gradient(p.xPos, wUp, bUp, positive)
                    .add(layer.gradient(p.xPos, wDown, bDown, negative)));
            if (p.signed) {
                shares = shares.add(p.xNeg.mul(layer.gradient(p.xNeg, wDown, zero, positive)
                        .add(layer.gradient(p.xNeg, wUp, zero, negative))));
            }
            return new NDList(shares);
        });
    }

    /**
     * z-box (Montavon et al. 2017) for inputs known to lie in [low, high]: {@code R_in = x ⊙ Wᵀs −
     * l ⊙ W⁺ᵀs − h ⊙ W⁻ᵀs}, {@code s = R / stab(z − (W⁺l + b⁺) − (W⁻h + b⁻))}.
     *
     * @param low the lowest input value, or null for each input's own minimum
     * @param high the highest input value, or null for each input's own maximum
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule zBox(Double low, Double high, double stabilizer) {
        return scoped(op -> {
            LinearLayer layer = new LinearLayer(op, Z_BOX);
            NDArray x = layer.input();
            NDArray l = bound(x, low, false);
            NDArray h = bound(x, high, true);
            NDArray w = layer.weight();
            NDArray wPos = pos(w);
            NDArray wNeg = neg(w);
            NDArray bPos = layer.bias(LrpRules::pos);
            NDArray bNeg = layer.bias(LrpRules::neg);
            NDArray signal = layer.relevance().div(stabilize(layer.output().sub(layer.forward(l, wPos, bPos))
                    .sub(layer.forward(h, wNeg, bNeg)), stabilizer));
            NDArray bias = layer.bias(b -> b);
            return new NDList(x.mul(layer.gradient(x, w, bias, signal))
                    .sub(l.mul(layer.gradient(l, wPos, bPos, signal)))
                    .sub(h.mul(layer.gradient(h, wNeg, bNeg, signal))));
        });
    }

    /**
     * Flat (Lapuschkin et al. 2019): every input of an output's receptive field takes the same share,
     * whatever its value or weight (weights set to one, bias to zero).
     *
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule flat(double stabilizer) {
        return scoped(op -> {
            LinearLayer layer = new LinearLayer(op, FLAT);
            return shareByWeights(layer, layer.weight().onesLike(), layer.bias(b -> b.zerosLike()), stabilizer);
        });
    }

    /**
     * w-square (Montavon et al. 2017): shares by the squared weights, whatever the input values. As
     * in Zennit 0.5, the bias is squared too, so it keeps a share.
     *
     * @param stabilizer the stabiliser
     * @return the rule
     */
    public static BackwardRule wSquare(double stabilizer) {
        return scoped(op -> {
            LinearLayer layer = new LinearLayer(op, W_SQUARE);
            return shareByWeights(layer, layer.weight().square(), layer.bias(NDArray::square), stabilizer);
        });
    }

    /**
     * Pass: the relevance reaches the input unchanged, for elementwise ops (activations, scaling by a
     * constant). For the product of two activations (a hard-swish, a squeeze-excitation gate) the
     * signal input takes all and the gate none, as LRP treats gates (Arras et al. 2017).
     *
     * @return the rule
     */
    public static BackwardRule pass() {
        return PassRule.INSTANCE;
    }

    /** @return the op's plain gradient (for overriding a composite's rule on one layer) */
    public static BackwardRule gradient() {
        return BackwardRule.OpContext::plainBackward;
    }

    private static void checkAlphaBeta(double alpha, double beta) {
        if (!(alpha >= 0) || !(beta >= 0) || Math.abs(alpha - beta - 1) > 1e-9) {
            throw new LoupeException("the alpha-beta rule needs alpha >= 0, beta >= 0 and alpha - beta = 1 (so the "
                    + "relevance is conserved); got alpha " + alpha + ", beta " + beta);
        }
    }

    /** Flat and w-square: the relevance shared by weights alone, on an input of ones. */
    private static NDList shareByWeights(LinearLayer layer, NDArray w, NDArray b, double stabilizer) {
        NDArray ones = layer.input().onesLike();
        NDArray signal = layer.relevance().div(stabilize(layer.forward(ones, w, b), stabilizer));
        return new NDList(layer.gradient(ones, w, b, signal));
    }

    /** @return {@code bound} broadcast to {@code x}, or each input's own minimum or maximum */
    private static NDArray bound(NDArray x, Double bound, boolean upper) {
        if (bound != null) {
            return x.zerosLike().add(bound);
        }
        long n = x.getShape().get(0);
        NDArray rows = x.reshape(n, -1);
        NDArray extreme = upper ? rows.max(new int[] {1}, true) : rows.min(new int[] {1}, true);
        return x.zerosLike().add(extreme.reshape(broadcastShape(x)));
    }

    private static Shape broadcastShape(NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(0);
        return new Shape(shape);
    }

    /**
     * Zennit's stabiliser: {@code z + ε·sign(z)} with sign(0) = +1, so no denominator is zero.
     *
     * @param z the denominator
     * @param epsilon ε
     * @return the stabilised denominator
     */
    public static NDArray stabilize(NDArray z, double epsilon) {
        NDArray sign = z.gte(0).toType(z.getDataType(), false).mul(2).sub(1);
        return z.add(sign.mul(epsilon));
    }

    private static NDArray pos(NDArray a) {
        return a.maximum(0);
    }

    private static NDArray neg(NDArray a) {
        return a.minimum(0);
    }

    /** The positive and negative parts of a layer's input and weight. */
    private static final class Parts {
        /** Whether the input has negative values; after a ReLU it has none and their terms are zero. */
        final boolean signed;
        final NDArray xPos;
        /** The negative part of the input; null when it has none (nothing to compute with it). */
        final NDArray xNeg;
        final NDArray wPos;
        private final NDArray weight;
        private NDArray wNeg;

        Parts(LinearLayer layer) {
            NDArray x = layer.input();
            signed = x.min().getFloat() < 0;
            xPos = signed ? pos(x) : x;
            xNeg = signed ? neg(x) : null;
            weight = layer.weight();
            wPos = pos(weight);
        }

        /** @return the negative part of the weight, made when first asked (z-plus on a ReLU's output never does) */
        NDArray wNeg() {
            if (wNeg == null) {
                wNeg = neg(weight);
            }
            return wNeg;
        }
    }

    /**
     * Runs a rule in a scope of its own, so the many temporaries of one node are freed when it is
     * done instead of at the end of the whole backward pass; the result goes to the pass's scope.
     */
    static BackwardRule scoped(BackwardRule body) {
        return op -> {
            NDList result;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                result = body.backward(op);
                for (NDArray a : result) {
                    if (a != null) {
                        NDScope.unregister(a);
                    }
                }
            }
            for (NDArray a : result) {
                if (a != null) {
                    NDScope.register(a);
                }
            }
            return result;
        };
    }
}
