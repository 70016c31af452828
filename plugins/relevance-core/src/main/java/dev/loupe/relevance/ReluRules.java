package dev.loupe.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.BackwardRules;
import java.util.Map;

/**
 * The ReLU backward rules of guided backprop and deconvnet, on ONNX {@code Relu} nodes (as Captum
 * hooks {@code nn.ReLU} modules only; other activations keep their gradient).
 */
public final class ReluRules {
    /** Guided backprop: the gradient where it is positive and the ReLU's input was positive. */
    public static final BackwardRule GUIDED = op -> {
        NDArray z = op.inputs().get(0);
        return new NDList(op.gradOutput().maximum(0).mul(z.gt(0).toType(DataType.FLOAT32, false)));
    };

    /** Deconvnet: the positive part of the incoming signal, whatever the forward input was. */
    public static final BackwardRule DECONVNET = op -> new NDList(op.gradOutput().maximum(0));

    private ReluRules() {
    }

    /** @return guided backprop's rule set */
    public static BackwardRules guided() {
        return BackwardRules.byOpType(Map.of("Relu", GUIDED));
    }

    /** @return deconvnet's rule set */
    public static BackwardRules deconvnet() {
        return BackwardRules.byOpType(Map.of("Relu", DECONVNET));
    }
}
