package dev.loupe.backend.onnx.ops;

import ai.djl.ndarray.NDArray;

/**
 * One node's computation on DJL arrays, built once per node at load time. It must be
 * differentiable with DJL's autograd (use NDArray operations only, no copies through Java arrays
 * for float data on the gradient path) and must not keep arrays between calls.
 */
@FunctionalInterface
public interface Kernel {
    /**
     * @param inputs the node's inputs by position; null where an optional input is omitted or
     *     beyond those given
     * @return the node's outputs by position
     */
    NDArray[] apply(NDArray[] inputs);
}
