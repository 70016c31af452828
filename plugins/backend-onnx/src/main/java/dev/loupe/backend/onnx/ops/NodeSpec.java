package dev.loupe.backend.onnx.ops;

import ai.djl.ndarray.NDArray;
import dev.loupe.backend.onnx.proto.OnnxProto;
import java.util.List;
import java.util.function.Function;

/**
 * What an {@link OpFactory} sees of a node.
 *
 * @param name the node name
 * @param opType the op type
 * @param opset the opset version of the node's domain
 * @param inputNames input value names ("" for omitted optional inputs)
 * @param outputNames output value names
 * @param attributes the attributes
 * @param constants the constant value of an input name (initializer or folded constant), or null
 *     when it is only known at run time; for ops whose form depends on a constant input
 */
public record NodeSpec(String name, String opType, int opset, List<String> inputNames, List<String> outputNames,
        Attributes attributes, Function<String, NDArray> constants) {

    /** @return the constant value of input {@code index}, or null if absent or not constant */
    public NDArray constantInput(int index) {
        if (index >= inputNames.size() || inputNames.get(index).isEmpty()) {
            return null;
        }
        return constants.apply(inputNames.get(index));
    }

    /** @return whether input {@code index} is given (not omitted) */
    public boolean hasInput(int index) {
        return index < inputNames.size() && !inputNames.get(index).isEmpty();
    }

    /**
     * @param what the unsupported form, e.g. "auto_pad=VALID with dilations"
     * @return an exception naming the op, the node and the opset
     */
    public UnsupportedOpException unsupported(String what) {
        return new UnsupportedOpException(opType + " node '" + name + "' (opset " + opset + "): " + what
                + " is not supported");
    }

    /** Builds a spec from a parsed node. */
    public static NodeSpec of(OnnxProto.Node node, int opset, Function<String, NDArray> constants) {
        return new NodeSpec(node.name(), node.opType(), opset, node.inputs(), node.outputs(),
                new Attributes(node.attributes()), constants);
    }
}
