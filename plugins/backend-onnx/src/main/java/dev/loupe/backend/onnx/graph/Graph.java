package dev.loupe.backend.onnx.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.LoupeException;
import dev.loupe.backend.onnx.ops.Attributes;
import dev.loupe.backend.onnx.ops.Kernel;
import dev.loupe.backend.onnx.ops.NodeSpec;
import dev.loupe.backend.onnx.ops.OpRegistry;
import dev.loupe.backend.onnx.proto.OnnxProto;
import dev.loupe.backend.onnx.proto.OnnxProto.Node;
import dev.loupe.backend.onnx.proto.OnnxProto.ValueInfo;
import dev.loupe.backend.onnx.proto.OnnxTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An ONNX graph compiled for DJL: constants (initializers and everything computable from them
 * alone, folded at load) and, in order, one kernel per remaining node. Owns the constants' native
 * memory until closed.
 */
public final class Graph implements AutoCloseable {

    /** One node ready to run. */
    public record Step(Node node, Kernel kernel) {
        /** @return the node name */
        public String name() {
            return node.name();
        }

        /** @return the op type */
        public String opType() {
            return node.opType();
        }
    }

    /** Sees (and may replace) every value a node produces during a run. */
    @FunctionalInterface
    public interface ValueHook {
        /**
         * @param step the node that produced it
         * @param name the value name
         * @param value the value
         * @return the value to continue with
         */
        NDArray onValue(Step step, String name, NDArray value);
    }

    private final NDManager manager;
    private final Map<String, NDArray> constants;
    private final List<Step> steps;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final int opset;

    private Graph(NDManager manager, Map<String, NDArray> constants, List<Step> steps, List<ValueInfo> inputs,
            List<ValueInfo> outputs, int opset) {
        this.manager = manager;
        this.constants = constants;
        this.steps = steps;
        this.inputs = inputs;
        this.outputs = outputs;
        this.opset = opset;
    }

    /**
     * Compiles a model: loads initializers into {@code manager}, builds every node's kernel and
     * folds constant subgraphs.
     *
     * @param model the parsed model
     * @param modelDir the model's folder (external data), or null
     * @param manager owns the constants from now on
     * @return the graph
     * @throws dev.loupe.backend.onnx.ops.UnsupportedOpException naming the first unsupported op
     */
    public static Graph compile(OnnxProto.Model model, Path modelDir, NDManager manager) {
        return compile(model, modelDir, manager, Map.of());
    }

    /**
     * Compiles a model with some initializers replaced (a copy with re-drawn weights).
     *
     * @param overrides replacement values by initializer name, created on {@code manager}
     */
    public static Graph compile(OnnxProto.Model model, Path modelDir, NDManager manager,
            Map<String, NDArray> overrides) {
        Map<String, NDArray> constants = new LinkedHashMap<>();
        for (OnnxProto.TensorData t : model.graph().initializers()) {
            NDArray value = overrides.get(t.name());
            constants.put(t.name(), value != null ? value : OnnxTensors.toNDArray(t, manager, modelDir));
        }
        List<ValueInfo> inputs = model.graph().inputs().stream()
                .filter(v -> !constants.containsKey(v.name())).toList();
        return build(model.graph().nodes(), constants, inputs, model.graph().outputs(), model.defaultOpset(),
                manager);
    }

    /**
     * Builds a graph from nodes and constants already in {@code manager} (canonizers use this on
     * rewritten nodes).
     */
    static Graph build(List<Node> nodes, Map<String, NDArray> constants, List<ValueInfo> inputs,
            List<ValueInfo> outputs, int opset, NDManager manager) {
        Map<String, NDArray> folded = new LinkedHashMap<>(constants);
        List<Step> steps = new ArrayList<>();
        for (Node node : nodes) {
            if ("Constant".equals(node.opType())) {
                folded.put(node.outputs().get(0), constantValue(node, opset, manager));
                continue;
            }
            NodeSpec spec = NodeSpec.of(node, opset, folded::get);
            Kernel kernel = OpRegistry.kernelFor(node.domain(), spec);
            boolean allConstant = node.inputs().stream().allMatch(n -> n.isEmpty() || folded.containsKey(n));
            if (allConstant && !node.inputs().isEmpty() && !node.opType().startsWith("Random")) {
                fold(node, kernel, folded, manager);
            } else {
                steps.add(new Step(node, kernel));
            }
        }
        return new Graph(manager, folded, List.copyOf(steps), List.copyOf(inputs), List.copyOf(outputs), opset);
    }

    private static void fold(Node node, Kernel kernel, Map<String, NDArray> folded, NDManager manager) {
        try (NDScope scope = new NDScope()) {
            NDArray[] results = kernel.apply(gather(node, folded, Map.of()));
            for (int i = 0; i < node.outputs().size() && i < results.length; i++) {
                NDScope.unregister(results[i]);
                results[i].attach(manager);
                folded.put(node.outputs().get(i), results[i]);
            }
        } catch (RuntimeException e) {
            throw failure(node, e, folded, Map.of());
        }
    }

    private static NDArray constantValue(Node node, int opset, NDManager manager) {
        Attributes a = new Attributes(node.attributes());
        if (a.getTensor("value") != null) {
            return OnnxTensors.toNDArray(a.getTensor("value"), manager, null);
        }
        if (a.has("value_float")) {
            return manager.create(a.getFloat("value_float", 0));
        }
        if (a.has("value_floats")) {
            return manager.create(a.getFloats("value_floats", null));
        }
        if (a.has("value_int")) {
            return manager.create(a.getInt("value_int", 0));
        }
        if (a.has("value_ints")) {
            return manager.create(a.getInts("value_ints", null));
        }
        throw NodeSpec.of(node, opset, n -> null).unsupported("a Constant without a value, value_float(s) or value_int(s)");
    }

    /**
     * Runs the graph.
     *
     * @param feeds graph inputs by name
     * @param hook sees every produced value; may be null
     * @return every value computed (inputs and node outputs), by name; constants are not included
     * @throws LoupeException naming the node that failed, with its input shapes
     */
    public Map<String, NDArray> run(Map<String, NDArray> feeds, ValueHook hook) {
        Map<String, NDArray> values = new LinkedHashMap<>(feeds);
        for (Step step : steps) {
            NDArray[] results;
            try {
                results = step.kernel().apply(gather(step.node(), constants, values));
            } catch (LoupeException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failure(step.node(), e, constants, values);
            }
            List<String> names = step.node().outputs();
            for (int i = 0; i < names.size() && i < results.length; i++) {
                if (names.get(i).isEmpty()) {
                    continue;
                }
                NDArray value = hook == null ? results[i] : hook.onValue(step, names.get(i), results[i]);
                values.put(names.get(i), value);
            }
        }
        return values;
    }

    /** @return the node's inputs by position, null where omitted */
    static NDArray[] gather(Node node, Map<String, NDArray> constants, Map<String, NDArray> values) {
        NDArray[] in = new NDArray[node.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            String name = node.inputs().get(i);
            if (name.isEmpty()) {
                continue;
            }
            NDArray v = values.get(name);
            if (v == null) {
                v = constants.get(name);
            }
            if (v == null) {
                throw new LoupeException(node.opType() + " node '" + node.name() + "' reads '" + name
                        + "', which no earlier node produces and is not a graph input or initializer");
            }
            in[i] = v;
        }
        return in;
    }

    private static LoupeException failure(Node node, RuntimeException e, Map<String, NDArray> constants,
            Map<String, NDArray> values) {
        String shapes = node.inputs().stream().map(n -> {
            NDArray v = values.containsKey(n) ? values.get(n) : constants.get(n);
            return v == null ? "-" : v.getShape() + " " + v.getDataType();
        }).collect(Collectors.joining(", "));
        return new LoupeException(node.opType() + " node '" + node.name() + "' failed on inputs (" + shapes + "): "
                + e.getMessage(), e);
    }

    /**
     * Checks a feed against the declared input: rank and every fixed dimension.
     *
     * @param name the input name
     * @param shape the fed shape
     * @throws LoupeException saying what was expected
     */
    public void checkInput(String name, Shape shape) {
        for (ValueInfo in : inputs) {
            if (!in.name().equals(name) || in.shape() == null) {
                continue;
            }
            long[] want = in.shape();
            boolean ok = want.length == shape.dimension();
            for (int i = 0; ok && i < want.length; i++) {
                ok = want[i] <= 0 || want[i] == shape.get(i);
            }
            if (!ok) {
                throw new LoupeException("input '" + name + "' has shape " + Arrays.toString(shape.getShape())
                        + " but the model expects " + describe(in) + "; resize or reshape the input to match");
            }
        }
    }

    /** @return a shape with symbolic dimensions named, e.g. [N, 3, 64, 64] */
    public static String describe(ValueInfo v) {
        if (v.shape() == null) {
            return "[?]";
        }
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < v.shape().length; i++) {
            String symbol = i < v.symbols().size() ? v.symbols().get(i) : "";
            dims.add(v.shape()[i] >= 0 ? Long.toString(v.shape()[i]) : symbol.isEmpty() ? "?" : symbol);
        }
        return "[" + String.join(", ", dims) + "]";
    }

    /** @return the nodes that run at each pass, in order */
    public List<Step> steps() {
        return steps;
    }

    /** @return the constants by name (initializers and folded values) */
    public Map<String, NDArray> constants() {
        return constants;
    }

    /** @return whether {@code name} is a constant */
    public boolean isConstant(String name) {
        return constants.containsKey(name);
    }

    /** @return the graph inputs that are fed (initializers excluded) */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    /** @return the graph outputs */
    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** @return the default-domain opset */
    public int opset() {
        return opset;
    }

    /** @return the manager owning the constants */
    public NDManager manager() {
        return manager;
    }

    /** Frees the constants. */
    @Override
    public void close() {
        manager.close();
    }
}
