package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;

/**
 * The product z = a·b of two activations (hard-swish, squeeze-and-excitation gates): multipliers
 * (b_x + b_r)/2 for a and (a_x + a_r)/2 for b, the Shapley split of Δz between the two factors,
 * which sums exactly to Δz = ā·Δb + b̄·Δa. A product with a constant is linear and keeps its
 * gradient.
 */
final class ProductRule implements BackwardRule {

    @Override
    public NDList backward(OpContext op) {
        NDList in = op.inputs();
        if (in.size() != 2 || !Halves.splittable(in.get(0)) || !Halves.splittable(in.get(1))) {
            return op.plainBackward();
        }
        // the product's own backward at the midpoints: broadcast factors get their sums
        return op.vjp(new NDList(Halves.midpoint(in.get(0)), Halves.midpoint(in.get(1))), op.parameters(),
                op.gradOutput());
    }
}
