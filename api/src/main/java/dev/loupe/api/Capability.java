package dev.loupe.api;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

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
    PARAMETERS;

    /**
     * Checks that a model offers what a method or inspector needs.
     *
     * @param who the method or inspector id, for the message
     * @param requires what it needs
     * @param model the model
     * @throws LoupeException naming the missing capabilities and what the backend offers
     */
    public static void check(String who, Set<Capability> requires, ExplainableModel model) {
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(requires);
        missing.removeAll(model.capabilities());
        if (!missing.isEmpty()) {
            throw new LoupeException(who + " needs " + names(missing) + "; the " + model.backendId()
                    + " backend offers " + names(model.capabilities())
                    + " only (choose another backend with --backend)");
        }
    }

    private static String names(Set<Capability> caps) {
        return caps.isEmpty() ? "nothing" : caps.stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    }
}
