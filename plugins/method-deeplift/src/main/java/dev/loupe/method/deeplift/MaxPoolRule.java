package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;

/**
 * Captum's DeepLIFT rule for max pooling. With m = max(y_x, y_r) per pooled output, the input's
 * arg-max cell receives the signal times m − y_r and the reference's arg-max cell the signal times
 * y_x − m (together Δy); the sum of both routings divided by Δx is the multiplier, or the gradient
 * where |Δx| is negligible. Summation-to-delta holds exactly: a cell whose Δx is zero never
 * receives a non-zero share.
 */
final class MaxPoolRule implements BackwardRule {
    private final DeepLiftRules.Notes notes;

    MaxPoolRule(DeepLiftRules.Notes notes) {
        this.notes = notes;
    }

    @Override
    public NDList backward(OpContext op) {
        if (op.inputs().size() != 1 || !Halves.splittable(op.inputs().get(0)) || !Halves.splittable(op.output())) {
            notes.plainGradient(op, "not a pooling of one activation");
            return op.plainBackward();
        }
        NDArray x = op.inputs().get(0);
        NDList y = op.output().split(2);
        NDArray crossMax = y.get(0).maximum(y.get(1));
        NDArray shares = crossMax.sub(y.get(1)).concat(y.get(0).sub(crossMax), 0);
        // the pooling's own backward routes each row's share to that row's arg-max: Captum's unpooling
        NDArray routed = op.vjp(op.inputs(), op.parameters(), op.gradOutput().mul(shares)).get(0);
        NDArray plain = op.plainBackward().get(0);
        NDArray deltaIn = Halves.delta(x);
        NDArray multipliers = Halves.rescale(deltaIn.onesLike(), deltaIn, Halves.sumOfHalves(routed), plain);
        return new NDList(Halves.paired(multipliers));
    }
}
