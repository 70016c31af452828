package dev.loupe.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Replaces one op's backward pass. Given the op's forward inputs, output, parameters and the
 * signal arriving from above, a rule returns the signal for each input — the mechanism behind
 * guided backprop, deconvnet, DeepLIFT, LRP and Excitation Backprop (as in Zennit: modify inputs or
 * parameters, take the op's vector-Jacobian product, reduce).
 */
@FunctionalInterface
public interface BackwardRule {

    /**
     * @param op the node being traversed backwards
     * @return one signal per forward input (null for inputs that take none, such as shapes)
     */
    NDList backward(OpContext op);

    /** The node a rule is applied to, with the means to differentiate it. */
    interface OpContext {
        /** @return the op type, e.g. {@code Relu} or {@code Conv} */
        String opType();

        /** @return the node name */
        String nodeName();

        /** @return the forward inputs (activations), detached */
        NDList inputs();

        /** @return the parameters (weights, biases), detached */
        NDList parameters();

        /** @return the forward output, detached */
        NDArray output();

        /** @return the signal arriving from above (for plain gradients: d objective / d output) */
        NDArray gradOutput();

        /**
         * Recomputes the op on the given inputs and parameters and returns its vector-Jacobian
         * product with {@code grad}: the plain backward pass, with modifiers applied.
         *
         * @param inputs the (possibly modified) inputs
         * @param parameters the (possibly modified) parameters
         * @param grad the signal to propagate
         * @return the signal for each input
         */
        NDList vjp(NDList inputs, NDList parameters, NDArray grad);

        /** @return the op's plain backward pass of {@link #gradOutput()} */
        default NDList plainBackward() {
            return vjp(inputs(), parameters(), gradOutput());
        }

        /**
         * Recomputes the op's forward on the given inputs and parameters.
         *
         * @param inputs the inputs
         * @param parameters the parameters
         * @return the op's output
         */
        NDArray forward(NDList inputs, NDList parameters);

        /**
         * The node that produced activation input {@code input}, as a context of its own (its
         * {@link #gradOutput()} is null), for rules that treat a linear layer and the nonlinearity
         * after it as one block, as DeepLIFT's RevealCancel does. A rule that handles the producer's
         * backward itself hands the result to {@link #addInputSignals} and returns null for that input.
         *
         * @param input the index among {@link #inputs()}
         * @return the producer, or null where the input is the model input, a replaced value or the
         *         output of a node with several outputs
         */
        default OpContext producer(int input) {
            return null;
        }

        /**
         * Adds signals for this node's activation inputs, as its own backward would; used on a
         * {@link #producer} whose backward a consumer's rule has taken over.
         *
         * @param signals one per input (null for none)
         */
        default void addInputSignals(NDList signals) {
            throw new UnsupportedOperationException("this backend does not let a rule pass signal past a node");
        }
    }
}
