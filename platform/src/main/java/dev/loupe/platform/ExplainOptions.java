package dev.loupe.platform;

import dev.loupe.api.Cancellation;
import dev.loupe.api.Objective;
import dev.loupe.api.ProgressListener;
import java.util.List;
import java.util.Map;

/**
 * How to run one method through {@link LoupeHost#explain}: the method, the target, layers,
 * raw parameter values (parsed against the method's descriptor), the explained score, and
 * progress/cancellation hooks.
 *
 * @param method the method id
 * @param target which class to explain
 * @param layers layer names for layer methods; empty for the method's default
 * @param parameters raw values by parameter name, as given on the command line
 * @param output the output tensor to explain, or null for the model's default
 * @param score logit (default), probability or contrast
 * @param progress progress reporting
 * @param cancellation cancellation
 */
public record ExplainOptions(String method, Target target, List<String> layers, Map<String, String> parameters,
        String output, Objective.Kind score, ProgressListener progress, Cancellation cancellation) {

    /** Copies the collections. */
    public ExplainOptions {
        layers = List.copyOf(layers);
        parameters = Map.copyOf(parameters);
    }

    /** @return options for {@code method} with the top-1 target and default parameters */
    public static ExplainOptions of(String method) {
        return new ExplainOptions(method, Target.auto(), List.of(), Map.of(), null, Objective.Kind.LOGIT,
                ProgressListener.NONE, Cancellation.NEVER);
    }

    /** @return a copy with another target */
    public ExplainOptions withTarget(Target t) {
        return new ExplainOptions(method, t, layers, parameters, output, score, progress, cancellation);
    }

    /** @return a copy with layers */
    public ExplainOptions withLayers(List<String> l) {
        return new ExplainOptions(method, target, l, parameters, output, score, progress, cancellation);
    }

    /** @return a copy with raw parameters */
    public ExplainOptions withParameters(Map<String, String> p) {
        return new ExplainOptions(method, target, layers, p, output, score, progress, cancellation);
    }

    /** @return a copy explaining another output or score kind */
    public ExplainOptions withScore(String newOutput, Objective.Kind kind) {
        return new ExplainOptions(method, target, layers, parameters, newOutput, kind, progress, cancellation);
    }

    /** @return a copy with progress reporting and cancellation */
    public ExplainOptions withMonitor(ProgressListener p, Cancellation c) {
        return new ExplainOptions(method, target, layers, parameters, output, score, p, c);
    }

    /** @return a copy for another method */
    public ExplainOptions withMethod(String m) {
        return new ExplainOptions(m, target, layers, parameters, output, score, progress, cancellation);
    }
}
