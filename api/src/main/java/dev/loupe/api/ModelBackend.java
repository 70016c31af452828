package dev.loupe.api;

import java.util.Set;

/**
 * Loads models of some format into {@link ExplainableModel}s. Register an implementation as an
 * OSGi service with the property {@value #PROPERTY_ID} set to {@link #id()}.
 */
public interface ModelBackend {
    /** Service property that carries the backend id. */
    String PROPERTY_ID = "loupe.backend.id";

    /** @return a short stable id such as {@code onnx}, {@code torchscript} or {@code onnxruntime} */
    String id();

    /** @return one line saying what this backend loads and how it runs */
    String description();

    /** @return the capabilities every model loaded by this backend offers */
    Set<Capability> capabilities();

    /**
     * @param source a model source
     * @return whether this backend understands the source (usually by file type)
     */
    boolean canLoad(ModelSource source);

    /**
     * Loads a model. The caller closes it.
     *
     * @param source the model
     * @return the loaded model
     * @throws LoupeException with a message naming what could not be loaded and why (an
     *     unsupported op, say, named with its node and opset)
     */
    ExplainableModel load(ModelSource source);
}
