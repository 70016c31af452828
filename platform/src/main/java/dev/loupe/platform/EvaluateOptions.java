package dev.loupe.platform;

import dev.loupe.api.Cancellation;
import dev.loupe.api.Objective;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.Tensor;
import java.util.Map;

/**
 * How to score an attribution through {@link LoupeHost#evaluate}: the metric, its raw parameters
 * (parsed against the metric's descriptor), ground-truth object masks where the metric needs them,
 * and progress/cancellation hooks.
 *
 * @param metric the metric id
 * @param parameters raw values by parameter name, as given on the command line
 * @param masks object masks [N, H, W] (1 = object), or null
 * @param objective what the attribution explains, or null for the raw logit of its targets
 * @param progress progress reporting
 * @param cancellation cancellation
 */
public record EvaluateOptions(String metric, Map<String, String> parameters, Tensor masks, Objective objective,
        ProgressListener progress, Cancellation cancellation) {

    /** Copies the parameters. */
    public EvaluateOptions {
        parameters = Map.copyOf(parameters);
    }

    /** @return options for {@code metric} with default parameters and no masks */
    public static EvaluateOptions of(String metric) {
        return new EvaluateOptions(metric, Map.of(), null, null, ProgressListener.NONE, Cancellation.NEVER);
    }

    /** @return a copy with raw parameters */
    public EvaluateOptions withParameters(Map<String, String> p) {
        return new EvaluateOptions(metric, p, masks, objective, progress, cancellation);
    }

    /** @return a copy with object masks */
    public EvaluateOptions withMasks(Tensor m) {
        return new EvaluateOptions(metric, parameters, m, objective, progress, cancellation);
    }

    /** @return a copy stating what the attribution explains (a probability, another output) */
    public EvaluateOptions withObjective(Objective o) {
        return new EvaluateOptions(metric, parameters, masks, o, progress, cancellation);
    }

    /** @return a copy with progress reporting and cancellation */
    public EvaluateOptions withMonitor(ProgressListener p, Cancellation c) {
        return new EvaluateOptions(metric, parameters, masks, objective, p, c);
    }

    /** @return a copy for another metric */
    public EvaluateOptions withMetric(String m) {
        return new EvaluateOptions(m, parameters, masks, objective, progress, cancellation);
    }
}
