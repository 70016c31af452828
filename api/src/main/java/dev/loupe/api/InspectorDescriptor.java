package dev.loupe.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an inspector shows and what it needs.
 *
 * @param id the stable id, e.g. {@code feature-maps}
 * @param displayName a human name
 * @param citation where the technique comes from
 * @param requires the model capabilities it needs
 * @param needsInputs whether it reads inputs ({@code filters} reads only weights; activation
 *     maximisation may start from noise)
 * @param parameters its parameters
 * @param description one or two sentences on what it shows
 */
public record InspectorDescriptor(String id, String displayName, String citation, Set<Capability> requires,
        boolean needsInputs, List<ParameterSpec> parameters, String description) {

    /** Copies the collections. */
    public InspectorDescriptor {
        requires = requires.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(requires));
        parameters = List.copyOf(parameters);
    }

    /**
     * @param model the model to inspect
     * @throws LoupeException naming the missing capabilities and what the backend offers
     */
    public void checkSupportedBy(ExplainableModel model) {
        Capability.check(id, requires, model);
    }
}
