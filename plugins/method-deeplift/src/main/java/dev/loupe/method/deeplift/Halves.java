package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The values of a DeepLIFT pass: every batch stacks b inputs and then their b references,
 * {@code [x_1..x_b, r_1..r_b]}, so the value of a node for input i sits in row i and its reference
 * value in row b + i. Differences are returned for both halves (duplicated), as the rules hand the
 * same multipliers back to both.
 *
 * <p>A multiplier belongs to the pair, not to a row: where a rule falls back to the gradient, each
 * row's gradient differs (a max pool's arg-max, a ReLU's slope), so rules hand back the input row's
 * value to both ({@link #paired}). A rule that mixes the rows (max pooling) is then exact.
 */
final class Halves {
    /** Below this |Δ|, a multiplier Δout/Δin is not formed and the plain gradient is used (Captum's eps). */
    static final float EPS = 1e-10f;

    private Halves() {
    }

    /** @return whether {@code a} is a float value with an even, non-empty first axis */
    static boolean splittable(NDArray a) {
        return a != null && a.getDataType().isFloating() && a.getShape().dimension() > 0 && a.getShape().get(0) > 0
                && a.getShape().get(0) % 2 == 0;
    }

    /** @return [x − r; x − r] */
    static NDArray delta(NDArray a) {
        NDList h = a.split(2);
        return twice(h.get(0).sub(h.get(1)));
    }

    /** @return [x; x]: a signal made the same for both rows of each pair */
    static NDArray paired(NDArray a) {
        return input(a);
    }

    /** @return [x; x] */
    static NDArray input(NDArray a) {
        return twice(a.split(2).get(0));
    }

    /** @return [r; r] */
    static NDArray reference(NDArray a) {
        return twice(a.split(2).get(1));
    }

    /** @return [(x + r) / 2; (x + r) / 2] */
    static NDArray midpoint(NDArray a) {
        NDList h = a.split(2);
        return twice(h.get(0).add(h.get(1)).div(2f));
    }

    /** @return the sum of both halves, duplicated: [h1 + h2; h1 + h2] */
    static NDArray sumOfHalves(NDArray a) {
        NDList h = a.split(2);
        return twice(h.get(0).add(h.get(1)));
    }

    /** @return [half; half] */
    static NDArray twice(NDArray half) {
        return half.concat(half, 0);
    }

    /**
     * The multiplier Δout/Δin times the incoming signal, as Captum forms it, or {@code fallback}
     * where |Δin| is below {@link #EPS}.
     */
    static NDArray rescale(NDArray grad, NDArray deltaIn, NDArray deltaOut, NDArray fallback) {
        return NDArrays.where(deltaIn.abs().lt(EPS), fallback, grad.mul(deltaOut).div(deltaIn));
    }
}
