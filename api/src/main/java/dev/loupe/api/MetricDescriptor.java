package dev.loupe.api;

import java.util.List;

/**
 * What a metric measures and its parameters.
 *
 * @param id the stable id, e.g. {@code deletion}
 * @param displayName a human name
 * @param citation the paper it comes from
 * @param higherIsBetter whether a larger main score means a better explanation
 * @param needsMasks whether it scores against object masks ({@link Metric.Input#masks()}), so that a
 *     host can leave it out, and say why, when none are given
 * @param parameters its parameters
 * @param description one or two sentences
 */
public record MetricDescriptor(String id, String displayName, String citation, boolean higherIsBetter,
        boolean needsMasks, List<ParameterSpec> parameters, String description) {

    /** Copies the list. */
    public MetricDescriptor {
        parameters = List.copyOf(parameters);
    }

    /** A metric that needs no object masks (the form of api 1.3 and before). */
    public MetricDescriptor(String id, String displayName, String citation, boolean higherIsBetter,
            List<ParameterSpec> parameters, String description) {
        this(id, displayName, citation, higherIsBetter, false, parameters, description);
    }
}
