package dev.loupe.api;

/**
 * What a loaded model can do. A method declares the capabilities it needs in its
 * {@link MethodDescriptor}; the host refuses to run it on a model that lacks one.
 */
public enum Capability {
    /** Batched forward pass: inputs to outputs. */
    FORWARD,
    /** Gradient of an objective with respect to the model input. */
    INPUT_GRADIENT,
    /** Values of named intermediate tensors (layers) during a pass, and replacing one. */
    LAYER_ACTIVATION,
    /** Gradient of an objective with respect to named intermediate tensors. */
    LAYER_GRADIENT,
    /** A backward pass whose per-op rule can be changed (guided backprop, LRP, DeepLIFT...). */
    BACKWARD_RULES,
    /** Reading model parameters and copying the model with some of them replaced. */
    PARAMETERS
}
