package dev.loupe.backend.onnx.graph;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The libtorch autograd calls DJL's GradientCollector does not offer: a backward pass from a
 * non-scalar value with a given gradient that keeps the graph (several backward passes run through
 * one recorded forward), and a leaf's gradient that tells "none arrived" from zeros.
 */
final class Autograd {
    private Autograd() {
    }

    /**
     * Accumulates {@code grad}ᵀ · ∂target/∂leaf into every leaf below {@code target}.
     *
     * @return false when {@code target} does not depend on any leaf (nothing to carry the signal to)
     */
    static boolean backward(NDArray target, NDArray grad) {
        if (!target.getDataType().isFloating()) {
            return false;
        }
        try {
            JniUtils.backward((PtNDArray) target, (PtNDArray) grad.toType(target.getDataType(), false), true, false);
            return true;
        } catch (EngineException e) {
            // libtorch says so only by failing; DJL cannot ask a non-leaf whether it has a grad_fn
            if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                return false;
            }
            throw e;
        }
    }

    /** @return the gradient accumulated in a leaf, or null when no backward pass reached it */
    static NDArray gradientOrNull(NDArray leaf) {
        return JniUtils.getGradient((PtNDArray) leaf);
    }
}
