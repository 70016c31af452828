package dev.loupe.backend.onnx.ops;

import java.util.Map;
import java.util.TreeMap;

/** Every op the backend runs, by op type (ai.onnx domain). Each op family registers its factories. */
public final class OpRegistry {
    private static final Map<String, OpFactory> FACTORIES = new TreeMap<>();

    static {
        // one call per op family file; a new family adds its line here
        ActivationOps.register();
        ConvOps.register();
        ElementwiseOps.register();
        IndexOps.register();
        LogicOps.register();
        LinearOps.register();
        NormalizationOps.register();
        PadOps.register();
        PoolOps.register();
        ReduceOps.register();
        ResizeOps.register();
        ShapeOps.register();
    }

    private OpRegistry() {
    }

    /** Adds a factory (for op families and tests). */
    static void register(String opType, OpFactory factory) {
        FACTORIES.put(opType, factory);
    }

    /** @return the supported op types, sorted */
    public static java.util.Set<String> supported() {
        return java.util.Collections.unmodifiableSet(FACTORIES.keySet());
    }

    /**
     * @param domain the node's domain
     * @param node the node
     * @return the node's kernel
     * @throws UnsupportedOpException naming the op, the node and the opset when the op or its form
     *     is not supported
     */
    public static Kernel kernelFor(String domain, NodeSpec node) {
        if (!domain.isEmpty() && !"ai.onnx".equals(domain)) {
            throw new UnsupportedOpException("op " + domain + "::" + node.opType() + " (node '" + node.name()
                    + "') is from a custom domain; the ONNX backend runs only standard ai.onnx ops");
        }
        OpFactory factory = FACTORIES.get(node.opType());
        if (factory == null) {
            throw new UnsupportedOpException("unsupported ONNX op " + node.opType() + " (node '" + node.name()
                    + "', opset " + node.opset() + "); supported ops: " + String.join(", ", FACTORIES.keySet()));
        }
        return factory.create(node);
    }
}
