package dev.loupe.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.LoupeException;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A linear layer (Conv, ConvTranspose, Gemm, MatMul with a constant weight) as the LRP rules see
 * it: one activation input, a weight and an optional bias, and the layer recomputed with modified
 * copies of them (Zennit's input and parameter modifiers). The weight is the first parameter, the
 * bias the second, as ONNX orders them.
 */
final class LinearLayer {
    /** The op types the weight-modifying rules apply to. */
    static final Set<String> OP_TYPES = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    private final BackwardRule.OpContext op;
    private final NDArray input;
    private final NDArray weight;
    private final NDArray bias;

    /**
     * @param op the node
     * @param rule the rule's name, for the message when the node is not a linear layer
     */
    LinearLayer(BackwardRule.OpContext op, String rule) {
        NDList params = op.parameters();
        if (!OP_TYPES.contains(op.opType()) || op.inputs().size() != 1 || params.isEmpty() || params.size() > 2) {
            throw new LoupeException("the " + rule + " rule applies to linear layers (" + String.join(", ",
                    OP_TYPES.stream().sorted().toList()) + ") with one input and a constant weight; "
                    + op.opType() + " node '" + op.nodeName() + "' has " + op.inputs().size() + " input(s) and "
                    + params.size() + " constant(s): give it another rule");
        }
        this.op = op;
        this.input = op.inputs().get(0);
        this.weight = params.get(0);
        this.bias = params.size() > 1 ? params.get(1) : null;
    }

    /** @return the layer's input (activation) */
    NDArray input() {
        return input;
    }

    /** @return the weight */
    NDArray weight() {
        return weight;
    }

    /**
     * @param modifier how to change the bias
     * @return the modified bias, or null when the layer has none
     */
    NDArray bias(UnaryOperator<NDArray> modifier) {
        return bias == null ? null : modifier.apply(bias);
    }

    /** @return the layer's output as computed in the forward pass */
    NDArray output() {
        return op.output();
    }

    /** @return the relevance arriving at the layer's output */
    NDArray relevance() {
        return op.gradOutput();
    }

    /**
     * @param x the (modified) input
     * @param w the (modified) weight
     * @param b the (modified) bias; ignored when the layer has none
     * @return the layer recomputed on them
     */
    NDArray forward(NDArray x, NDArray w, NDArray b) {
        return op.forward(new NDList(x), parameters(w, b));
    }

    /**
     * @param x the (modified) input
     * @param w the (modified) weight
     * @param b the (modified) bias; ignored when the layer has none
     * @param signal the signal at the output
     * @return the vector-Jacobian product of the recomputed layer with {@code signal}, at the input
     */
    NDArray gradient(NDArray x, NDArray w, NDArray b, NDArray signal) {
        return op.vjp(new NDList(x), parameters(w, b), signal).get(0);
    }

    private NDList parameters(NDArray w, NDArray b) {
        return bias == null ? new NDList(w) : new NDList(w, b);
    }
}
