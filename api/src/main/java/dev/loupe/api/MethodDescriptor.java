package dev.loupe.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the host and users need to know about a method before running it.
 *
 * @param id the stable id used on the command line, e.g. {@code integrated-gradients}
 * @param displayName a human name, e.g. {@code Integrated Gradients}
 * @param family the method family, e.g. {@code gradient}, {@code cam}, {@code relevance}, {@code perturbation}
 * @param citation the paper, e.g. {@code Sundararajan et al. 2017, Axiomatic Attribution for Deep Networks}
 * @param requires the model capabilities the method needs
 * @param parameters the method's parameters
 * @param description one or two sentences on what the map shows
 */
public record MethodDescriptor(String id, String displayName, String family, String citation,
        Set<Capability> requires, List<ParameterSpec> parameters, String description) {

    /** Copies the collections. */
    public MethodDescriptor {
        requires = requires.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(requires));
        parameters = List.copyOf(parameters);
    }

    /**
     * Checks that a model offers what this method needs.
     *
     * @param model the model to explain
     * @throws LoupeException naming the missing capabilities and what the backend offers
     */
    public void checkSupportedBy(ExplainableModel model) {
        Capability.check(id, requires, model);
    }
}
