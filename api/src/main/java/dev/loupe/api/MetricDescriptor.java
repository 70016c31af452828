package dev.loupe.api;

import java.util.List;

/**
 * What a metric measures and its parameters.
 *
 * @param id the stable id, e.g. {@code deletion}
 * @param displayName a human name
 * @param citation the paper it comes from
 * @param higherIsBetter whether a larger main score means a better explanation
 * @param parameters its parameters
 * @param description one or two sentences
 */
public record MetricDescriptor(String id, String displayName, String citation, boolean higherIsBetter,
        List<ParameterSpec> parameters, String description) {

    /** Copies the list. */
    public MetricDescriptor {
        parameters = List.copyOf(parameters);
    }
}
