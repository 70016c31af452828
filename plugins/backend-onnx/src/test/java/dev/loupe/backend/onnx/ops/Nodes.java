package dev.loupe.backend.onnx.ops;

import ai.djl.ndarray.NDArray;
import dev.loupe.backend.onnx.proto.OnnxProto.Attribute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds single nodes and their kernels for kernel-level tests. */
final class Nodes {
    private final String opType;
    private final int opset;
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    private int inputs = 1;
    private int outputs = 1;

    private Nodes(String opType, int opset) {
        this.opType = opType;
        this.opset = opset;
    }

    static Nodes node(String opType, int opset) {
        return new Nodes(opType, opset);
    }

    Nodes i(String name, long v) {
        attributes.put(name, new Attribute(name, Attribute.INT, 0, v, null, null, null, null, null, null));
        return this;
    }

    Nodes f(String name, float v) {
        attributes.put(name, new Attribute(name, Attribute.FLOAT, v, 0, null, null, null, null, null, null));
        return this;
    }

    Nodes s(String name, String v) {
        attributes.put(name, new Attribute(name, Attribute.STRING, 0, 0, v.getBytes(StandardCharsets.UTF_8), null,
                null, null, null, null));
        return this;
    }

    Nodes ints(String name, long... v) {
        attributes.put(name, new Attribute(name, Attribute.INTS, 0, 0, null, null, null, null, v, null));
        return this;
    }

    Nodes floats(String name, float... v) {
        attributes.put(name, new Attribute(name, Attribute.FLOATS, 0, 0, null, null, null, v, null, null));
        return this;
    }

    /** Declares how many inputs and outputs the node names. */
    Nodes io(int inputs, int outputs) {
        this.inputs = inputs;
        this.outputs = outputs;
        return this;
    }

    NodeSpec spec() {
        List<String> in = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
            in.add("in" + k);
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            out.add("out" + k);
        }
        return new NodeSpec(opType.toLowerCase() + "_test", opType, opset, in, out, new Attributes(attributes),
                n -> (NDArray) null);
    }

    Kernel kernel() {
        return OpRegistry.kernelFor("", spec());
    }

    /** @return the first output for these inputs */
    NDArray apply(NDArray... in) {
        return kernel().apply(in)[0];
    }
}
