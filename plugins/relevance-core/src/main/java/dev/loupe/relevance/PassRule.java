package dev.loupe.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.LoupeException;
import java.util.Arrays;
import java.util.Set;

/**
 * LRP's pass rule: the relevance reaches the input unchanged. Zennit hooks whole activation modules;
 * in an ONNX graph an activation such as hard-swish is spelled {@code x · clip(x + 3, 0, 6) / 6}, so
 * the rule also passes a product of two activations to its signal input and nothing to its gate —
 * the factor that is broadcast (a squeeze-excitation scale) or comes from a squashing op — and
 * splits evenly when neither input looks like a gate.
 */
final class PassRule implements BackwardRule {
    static final PassRule INSTANCE = new PassRule();
    /** Ops whose output scales another activation when the two are multiplied. */
    private static final Set<String> GATES = Set.of("Sigmoid", "HardSigmoid", "Clip", "Tanh", "Softmax");

    private PassRule() {
    }

    @Override
    public NDList backward(OpContext op) {
        NDList inputs = op.inputs();
        NDArray relevance = op.gradOutput();
        int[] floats = java.util.stream.IntStream.range(0, inputs.size())
                .filter(i -> inputs.get(i).getDataType().isFloating()).toArray();
        NDList out = new NDList(inputs.size());
        inputs.forEach(x -> out.add(null));
        if (floats.length == 1) {
            out.set(floats[0], fit(relevance, inputs.get(floats[0]), op));
            return out;
        }
        if (floats.length == 2 && "Mul".equals(op.opType())) {
            int gate = gate(op, floats[0], floats[1]);
            for (int i : floats) {
                if (gate < 0) {
                    out.set(i, fit(relevance.mul(0.5), inputs.get(i), op));
                } else if (i != gate) {
                    out.set(i, fit(relevance, inputs.get(i), op));
                }
            }
            return out;
        }
        throw new LoupeException("the pass rule applies to elementwise ops of one input and to products of two; "
                + op.opType() + " node '" + op.nodeName() + "' has " + floats.length + " float inputs: give it "
                + "another rule");
    }

    /** @return the index of the gate among the two factors, or −1 when neither is one */
    private static int gate(OpContext op, int a, int b) {
        long sizeA = op.inputs().get(a).size();
        long sizeB = op.inputs().get(b).size();
        if (sizeA != sizeB) {
            return sizeA < sizeB ? a : b;
        }
        boolean gateA = isGate(op.producer(a));
        boolean gateB = isGate(op.producer(b));
        if (gateA != gateB) {
            return gateA ? a : b;
        }
        return -1;
    }

    private static boolean isGate(OpContext producer) {
        return producer != null && GATES.contains(producer.opType());
    }

    /** @return the relevance in the input's shape: reshaped, or summed over the axes the input was broadcast on */
    private static NDArray fit(NDArray relevance, NDArray input, OpContext op) {
        long[] target = input.getShape().getShape();
        if (Arrays.equals(relevance.getShape().getShape(), target)) {
            return relevance;
        }
        if (relevance.size() == input.size()) {
            return relevance.reshape(input.getShape());
        }
        NDArray r = relevance;
        int lead = r.getShape().dimension() - target.length;
        if (lead > 0) {
            r = r.sum(java.util.stream.IntStream.range(0, lead).toArray());
        }
        for (int axis = 0; axis < target.length && r.getShape().dimension() == target.length; axis++) {
            if (target[axis] == 1 && r.getShape().get(axis) != 1) {
                r = r.sum(new int[] {axis}, true);
            }
        }
        if (!Arrays.equals(r.getShape().getShape(), target)) {
            throw new LoupeException("the pass rule cannot bring the relevance of " + op.opType() + " node '"
                    + op.nodeName() + "' (" + relevance.getShape() + ") to its input's shape " + input.getShape());
        }
        return r;
    }
}
