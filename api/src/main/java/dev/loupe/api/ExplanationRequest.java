package dev.loupe.api;

import java.util.List;
import java.util.Map;

/**
 * What to explain, with the method's parameters already parsed and defaulted by the host
 * (see {@link ParameterSpec#resolve}).
 *
 * @param objective the explained score, with one target class per input
 * @param layers layer names for layer methods (empty means the method's own choice, e.g. {@code auto})
 * @param parameters every parameter of the method with its value
 */
public record ExplanationRequest(Objective objective, List<String> layers, Map<String, Object> parameters) {

    /** Copies the collections. */
    public ExplanationRequest {
        layers = List.copyOf(layers);
        parameters = Map.copyOf(parameters);
    }

    /** @return the target class of each input */
    public int[] targets() {
        return objective.targets();
    }

    /** @return the integer parameter {@code name} */
    public int intParam(String name) {
        return ((Number) param(name)).intValue();
    }

    /** @return the number parameter {@code name} */
    public double doubleParam(String name) {
        return ((Number) param(name)).doubleValue();
    }

    /** @return the boolean parameter {@code name} */
    public boolean boolParam(String name) {
        return (Boolean) param(name);
    }

    /** @return the text, choice or file parameter {@code name}, or null when unset */
    public String stringParam(String name) {
        Object v = parameters.get(name);
        return v == null ? null : v.toString();
    }

    private Object param(String name) {
        Object v = parameters.get(name);
        if (v == null) {
            throw new LoupeException("parameter " + name + " has no value; set it with --param " + name + "=...");
        }
        return v;
    }
}
