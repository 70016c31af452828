package dev.loupe.method.deeplift;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.loupe.api.BackwardRule;
import java.util.Map;

/**
 * Captum 0.8's {@code DeepLift} reproduced: rules only on the modules Captum hooks (ReLU, ELU,
 * LeakyReLU, Sigmoid, Tanh, Softplus, max pooling, Softmax), and Captum's hook order. Captum catches
 * a module's output gradient with a tensor hook registered before the next module's input hook on
 * the same tensor, so where one hooked module feeds another directly (ReLU → MaxPool), the first
 * one's rule reads the second one's plain gradient instead of its DeepLIFT multipliers, while its
 * gradient fallback reads the multipliers. Summation-to-delta then holds only approximately; this
 * mode exists to compare with Captum. Its Softmax rule subtracts the mean over the whole batch, as
 * Captum's does.
 */
final class CaptumHooks implements BackwardRule {
    /** What Captum does at each hooked module type. */
    private enum Kind {
        NONLINEAR, MAX_POOL, SOFTMAX
    }

    /** The ONNX op types of the modules Captum 0.8 hooks. */
    static final Map<String, Kind> HOOKED = Map.of("Relu", Kind.NONLINEAR, "Elu", Kind.NONLINEAR, "LeakyRelu",
            Kind.NONLINEAR, "Sigmoid", Kind.NONLINEAR, "Tanh", Kind.NONLINEAR, "Softplus", Kind.NONLINEAR,
            "MaxPool", Kind.MAX_POOL, "Softmax", Kind.SOFTMAX);

    private final DeepLiftRules.Notes notes;

    CaptumHooks(DeepLiftRules.Notes notes) {
        this.notes = notes;
    }

    @Override
    public NDList backward(OpContext op) {
        if (!hookable(op)) {
            notes.plainGradient(op, "not one activation in input and reference rows");
            return op.plainBackward();
        }
        // walk up a chain of directly connected hooked nodes, each taking over its producer's backward
        OpContext current = op;
        NDArray arriving = op.gradOutput();
        NDArray caught = arriving;
        NDArray result = hook(current, arriving, caught);
        OpContext producer = current.producer(0);
        while (producer != null && hookable(producer)) {
            caught = current.vjp(current.inputs(), current.parameters(), arriving).get(0);
            arriving = result;
            current = producer;
            result = hook(current, arriving, caught);
            producer = current.producer(0);
        }
        if (current == op) {
            return new NDList(result);
        }
        current.addInputSignals(new NDList(result));
        NDList none = new NDList(1);
        none.add(null);
        return none;
    }

    private static boolean hookable(OpContext op) {
        return HOOKED.containsKey(op.opType()) && op.inputs().size() == 1 && Halves.splittable(op.inputs().get(0))
                && Halves.splittable(op.output());
    }

    /**
     * Captum's backward hook of one module.
     *
     * @param arriving the signal at the module's output after every hook (what autograd propagates)
     * @param caught the output gradient Captum's hook caught
     */
    private static NDArray hook(OpContext op, NDArray arriving, NDArray caught) {
        NDArray x = op.inputs().get(0);
        NDArray gradInput = op.vjp(op.inputs(), op.parameters(), arriving).get(0);
        NDArray deltaIn = Halves.delta(x);
        switch (HOOKED.get(op.opType())) {
            case MAX_POOL -> {
                NDList y = op.output().split(2);
                NDArray crossMax = y.get(0).maximum(y.get(1));
                NDArray shares = crossMax.sub(y.get(1)).concat(y.get(0).sub(crossMax), 0);
                NDArray routed = op.vjp(op.inputs(), op.parameters(), caught.mul(shares)).get(0);
                return Halves.rescale(deltaIn.onesLike(), deltaIn, Halves.sumOfHalves(routed), gradInput);
            }
            case SOFTMAX -> {
                NDArray m = Halves.rescale(caught, deltaIn, Halves.delta(op.output()), gradInput);
                return m.sub(m.sum().div((float) m.getShape().size()));
            }
            default -> {
                return Halves.rescale(caught, deltaIn, Halves.delta(op.output()), gradInput);
            }
        }
    }
}
