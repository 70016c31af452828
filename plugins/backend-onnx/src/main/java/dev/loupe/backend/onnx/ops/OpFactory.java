package dev.loupe.backend.onnx.ops;

/** Makes the {@link Kernel} of one node, checking its attributes once, at load time. */
@FunctionalInterface
public interface OpFactory {
    /**
     * @param node the node with its attributes and opset
     * @return the kernel
     * @throws UnsupportedOpException if an attribute value or form is not supported (say which)
     */
    Kernel create(NodeSpec node);
}
