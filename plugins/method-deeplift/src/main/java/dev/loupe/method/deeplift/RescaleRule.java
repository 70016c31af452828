package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;

/**
 * DeepLIFT's Rescale rule on an elementwise nonlinearity y = f(x) (ReLU, sigmoid, tanh, clip, hard
 * sigmoid, ...): the multiplier Δy/Δx, or the gradient where |Δx| is negligible — Captum's
 * {@code nonlinear} hook. Nodes that are not elementwise in one activation keep their gradient.
 */
final class RescaleRule implements BackwardRule {
    private final DeepLiftRules.Notes notes;

    RescaleRule(DeepLiftRules.Notes notes) {
        this.notes = notes;
    }

    /** @return whether {@code op} is y = f(x) elementwise, x and y both halves of a DeepLIFT batch */
    static boolean elementwiseUnary(OpContext op) {
        NDList in = op.inputs();
        return in.size() == 1 && Halves.splittable(in.get(0)) && Halves.splittable(op.output())
                && in.get(0).getShape().equals(op.output().getShape());
    }

    @Override
    public NDList backward(OpContext op) {
        if (!elementwiseUnary(op)) {
            notes.plainGradient(op, "not an elementwise function of one activation");
            return op.plainBackward();
        }
        // on the input rows only: the reference rows get the same multipliers (Halves.twice)
        NDList x = op.inputs().get(0).split(2);
        NDList y = op.output().split(2);
        NDArray g = op.gradOutput().split(2).get(0);
        NDArray plain = op.vjp(new NDList(x.get(0)), op.parameters(), g).get(0);
        return new NDList(Halves.twice(Halves.rescale(g, x.get(0).sub(x.get(1)), y.get(0).sub(y.get(1)), plain)));
    }
}
