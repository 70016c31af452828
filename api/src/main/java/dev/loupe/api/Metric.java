package dev.loupe.api;

import java.util.List;
import java.util.Map;

/**
 * Judges explanations (deletion/insertion, pointing game, sanity checks...). Register as an OSGi
 * service with the property {@value #PROPERTY_ID}.
 */
public interface Metric {
    /** Service property that carries the metric id. */
    String PROPERTY_ID = "loupe.metric.id";

    /** @return id, citation and parameters */
    MetricDescriptor descriptor();

    /**
     * Scores an attribution.
     *
     * @param input the model, inputs, attribution, optional ground-truth masks, the method that
     *     produced the attribution (for metrics that re-run it) and resolved parameters
     * @param context compute service, progress and cancellation
     * @return named scores and curves
     */
    Result evaluate(Input input, ExplanationContext context);

    /**
     * What a metric looks at.
     *
     * @param model the explained model
     * @param inputs the batch
     * @param attribution the explanation to judge
     * @param method the method that produced it, or null
     * @param masks ground-truth object masks [N, H, W] (1 = object), or null
     * @param parameters the metric's resolved parameters
     * @param objective what the attribution explains (kind, output tensor, targets): metrics that score
     *     the model or re-run the method use it
     */
    record Input(ExplainableModel model, Tensor inputs, Attribution attribution, Explainer method, Tensor masks,
            Map<String, Object> parameters, Objective objective) {
        /** Copies the parameters; the objective defaults to the raw logit of the attribution's targets. */
        public Input {
            parameters = Map.copyOf(parameters);
            if (objective == null && attribution != null && attribution.targets() != null) {
                objective = Objective.logit(attribution.targets());
            }
        }

        /** An input whose attribution explains the raw logit of its targets on the default output. */
        public Input(ExplainableModel model, Tensor inputs, Attribution attribution, Explainer method, Tensor masks,
                Map<String, Object> parameters) {
            this(model, inputs, attribution, method, masks, parameters, null);
        }
    }

    /**
     * A metric's result.
     *
     * @param metricId the metric
     * @param scores named scores; {@code score} is the main one, per-input scores may follow
     * @param curves named curves (e.g. the deletion curve), each a list of points
     */
    record Result(String metricId, Map<String, Double> scores, Map<String, List<Double>> curves) {
        /** Copies the maps. */
        public Result {
            scores = Map.copyOf(scores);
            curves = Map.copyOf(curves);
        }
    }
}
