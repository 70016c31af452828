package dev.loupe.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(requires);
        missing.removeAll(model.capabilities());
        if (!missing.isEmpty()) {
            throw new LoupeException(id + " needs " + names(missing) + "; the " + model.backendId()
                    + " backend offers " + names(model.capabilities())
                    + " only (choose another backend with --backend)");
        }
    }

    private static String names(Set<Capability> caps) {
        return caps.isEmpty() ? "nothing" : caps.stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new))
                .stream().collect(Collectors.joining(", "));
    }
}
