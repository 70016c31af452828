package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;

/**
 * Captum's DeepLIFT rule for a Softmax inside the network: Rescale elementwise (Δy_i/Δx_i), then the
 * mean multiplier subtracted. Captum subtracts the mean over the whole batch tensor; here it is the
 * mean over each row's values, so an input's map does not depend on the others in its batch. Like
 * Captum's, the rule is a heuristic: summation-to-delta is not exact through an inner Softmax.
 */
final class SoftmaxRule implements BackwardRule {
    private final DeepLiftRules.Notes notes;

    SoftmaxRule(DeepLiftRules.Notes notes) {
        this.notes = notes;
    }

    @Override
    public NDList backward(OpContext op) {
        if (!RescaleRule.elementwiseUnary(op)) {
            notes.plainGradient(op, "a softmax of several activations");
            return op.plainBackward();
        }
        NDArray x = op.inputs().get(0);
        NDArray m = Halves.rescale(op.gradOutput(), Halves.delta(x), Halves.delta(op.output()),
                op.plainBackward().get(0));
        return new NDList(Halves.paired(m.sub(DeepLiftRules.rowMean(m))));
    }
}
