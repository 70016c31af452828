package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * DeepLIFT's RevealCancel rule on an elementwise nonlinearity y = f(z) whose input z = W·a + b comes
 * from a weighted linear layer (Conv, ConvTranspose, Gemm, MatMul with constant weights), possibly
 * through Adds of constants (further biases). The terms w·Δa of Δz are split by sign into Δz⁺ and
 * Δz⁻; with z₀ the reference value, Δy⁺ = ½(f(z₀+Δz⁺) − f(z₀)) + ½(f(z₀+Δz⁻+Δz⁺) − f(z₀+Δz⁻)) and
 * Δy⁻ symmetrically; the rule then takes over the linear layer's backward, giving the terms counted
 * positive the multiplier Δy⁺/Δz⁺ and the negative ones Δy⁻/Δz⁻, so Σ m·Δa = Δy⁺ + Δy⁻ = Δy exactly.
 * BatchNorm is folded into the layer before it for this rule.
 *
 * <p>Where z is not made by such a layer (the model input, pooling, a sum of branches) the rule falls
 * back to Rescale, and says so in the attribution's details. For a producer that is elementwise in one
 * activation each element is a single term, and RevealCancel and Rescale coincide.
 */
final class RevealCancelRule implements BackwardRule {
    private static final Set<String> WEIGHTED = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    private final RescaleRule rescale;
    private final DeepLiftRules.Notes notes;

    RevealCancelRule(RescaleRule rescale, DeepLiftRules.Notes notes) {
        this.rescale = rescale;
        this.notes = notes;
    }

    @Override
    public NDList backward(OpContext op) {
        if (!RescaleRule.elementwiseUnary(op)) {
            return rescale.backward(op);
        }
        OpContext linear = op.producer(0);
        // an added constant (hard-swish's x + 3) is one more bias: look through it to the layer
        while (linear != null && linear.opType().equals("Add") && linear.inputs().size() == 1
                && !linear.parameters().isEmpty()) {
            linear = linear.producer(0);
        }
        if (linear == null || !WEIGHTED.contains(linear.opType()) || linear.inputs().size() != 1
                || linear.parameters().isEmpty() || !Halves.splittable(linear.inputs().get(0))) {
            notes.rescaleInstead(op, linear == null ? "its input is not made by a node" : linear.opType());
            return rescale.backward(op);
        }
        NDArray z = op.inputs().get(0);
        NDArray deltaA = Halves.delta(linear.inputs().get(0));
        NDArray aPos = deltaA.maximum(0f);
        NDArray aNeg = deltaA.minimum(0f);
        NDList wPos = signPart(linear.parameters(), true);
        NDList wNeg = signPart(linear.parameters(), false);
        // Δz⁺: positive terms (Δa > 0 with w > 0, Δa < 0 with w < 0); bias-free, so only w·Δa counts
        NDArray zPos = linear.forward(new NDList(aPos), wPos).add(linear.forward(new NDList(aNeg), wNeg));
        NDArray zNeg = linear.forward(new NDList(aPos), wNeg).add(linear.forward(new NDList(aNeg), wPos));

        UnaryOperator<NDArray> f = v -> op.forward(new NDList(v), op.parameters());
        NDArray z0 = Halves.reference(z);
        NDArray y0 = Halves.reference(op.output());
        NDArray yAtPos = f.apply(z0.add(zPos));
        NDArray yAtNeg = f.apply(z0.add(zNeg));
        // z₀ + Δz⁺ + Δz⁻ is z: its value is taken as computed, so that Δy⁺ + Δy⁻ is Δy to the last bit
        NDArray yAtBoth = Halves.input(op.output());
        NDArray yPos = yAtPos.sub(y0).add(yAtBoth.sub(yAtNeg)).mul(0.5f);
        NDArray yNeg = yAtNeg.sub(y0).add(yAtBoth.sub(yAtPos)).mul(0.5f);

        // where a part vanishes its multiplier does not enter any sum: Rescale's multiplier keeps it sensible
        NDArray derivative = op.vjp(op.inputs(), op.parameters(), op.output().onesLike()).get(0);
        NDArray ones = z.onesLike();
        NDArray plainM = Halves.paired(Halves.rescale(ones, Halves.delta(z), Halves.delta(op.output()), derivative));
        NDArray g = op.gradOutput();
        NDArray gPos = g.mul(Halves.rescale(ones, zPos, yPos, plainM));
        NDArray gNeg = g.mul(Halves.rescale(ones, zNeg, yNeg, plainM));

        NDList in = linear.inputs();
        NDArray whereAPositive = linear.vjp(in, wPos, gPos).get(0).add(linear.vjp(in, wNeg, gNeg).get(0));
        NDArray whereANegative = linear.vjp(in, wNeg, gPos).get(0).add(linear.vjp(in, wPos, gNeg).get(0));
        // Δa = 0 adds nothing to any sum: the mean of both readings keeps the signal symmetric
        NDArray signal = NDArrays.where(deltaA.gt(0f), whereAPositive, NDArrays.where(deltaA.lt(0f), whereANegative,
                whereAPositive.add(whereANegative).mul(0.5f)));
        linear.addInputSignals(new NDList(Halves.paired(signal)));
        NDList none = new NDList(1);
        none.add(null);
        return none;
    }

    /** The weights' positive (or negative) part and every further parameter (the bias) zeroed. */
    private static NDList signPart(NDList parameters, boolean positive) {
        NDList out = new NDList(parameters.size());
        NDArray w = parameters.get(0);
        out.add(positive ? w.maximum(0f) : w.minimum(0f));
        for (int k = 1; k < parameters.size(); k++) {
            out.add(parameters.get(k).zerosLike());
        }
        return out;
    }
}
