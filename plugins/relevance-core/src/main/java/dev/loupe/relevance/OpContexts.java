package dev.loupe.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRule.OpContext;
import java.util.function.UnaryOperator;

/**
 * Views of a rule's context with one part changed, so an existing rule runs on a modified layer or
 * signal: contrastive Excitation Backprop negates the classifier's weights and subtracts the
 * contrast from the signal at a layer.
 */
public final class OpContexts {
    private OpContexts() {
    }

    /**
     * @param rule the rule to run
     * @param signal turns the signal arriving at the op into the one the rule sees
     * @return the rule, applied to the changed signal
     */
    public static BackwardRule withSignal(BackwardRule rule, UnaryOperator<NDArray> signal) {
        return op -> rule.backward(new View(op, op.parameters(), signal.apply(op.gradOutput()), op.output()));
    }

    /**
     * @param rule the rule to run
     * @param parameters turns the op's parameters into the ones the rule sees (and recomputes with)
     * @return the rule, applied to the changed parameters
     */
    public static BackwardRule withParameters(BackwardRule rule,
            UnaryOperator<NDList> parameters) {
        return op -> {
            NDList changed = parameters.apply(op.parameters());
            return rule.backward(new View(op, changed, op.gradOutput(), op.forward(op.inputs(), changed)));
        };
    }

    /** The op with other parameters or another incoming signal; everything else passes through. */
    private record View(OpContext op, NDList parameters, NDArray gradOutput, NDArray output) implements OpContext {
        @Override
        public String opType() {
            return op.opType();
        }

        @Override
        public String nodeName() {
            return op.nodeName();
        }

        @Override
        public NDList inputs() {
            return op.inputs();
        }

        @Override
        public NDList vjp(NDList inputs, NDList params, NDArray grad) {
            return op.vjp(inputs, params, grad);
        }

        @Override
        public NDArray forward(NDList inputs, NDList params) {
            return op.forward(inputs, params);
        }

        @Override
        public OpContext producer(int input) {
            return op.producer(input);
        }

        @Override
        public void addInputSignals(NDList signals) {
            op.addInputSignals(signals);
        }
    }
}
