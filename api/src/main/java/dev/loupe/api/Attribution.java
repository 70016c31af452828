package dev.loupe.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of an explanation, in plain Java memory.
 *
 * @param methodId the method that produced it
 * @param map the attribution at input resolution, [N, C, H, W] or [N, 1, H, W], batch order kept
 * @param layerMap the map at layer resolution for layer methods, or null
 * @param targets the explained class of each input
 * @param parameters every parameter actually used
 * @param layers the layers used, empty for input methods
 * @param convergenceDelta per input, where the method defines one (Integrated Gradients), or null
 * @param timingsMillis named durations in milliseconds, e.g. {@code total}
 * @param details further facts for the summary (e.g. which output score was explained)
 */
public record Attribution(String methodId, Tensor map, Tensor layerMap, int[] targets,
        Map<String, Object> parameters, List<String> layers, double[] convergenceDelta,
        Map<String, Double> timingsMillis, Map<String, Object> details) {

    /** Copies the collections, keeping their order. */
    public Attribution {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        layers = List.copyOf(layers);
        timingsMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timingsMillis));
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * @param methodId the method
     * @param map the input-resolution map
     * @param request the request it answers (targets and parameters are taken from it)
     * @return an attribution with no layer map, delta, timings or details
     */
    public static Attribution of(String methodId, Tensor map, ExplanationRequest request) {
        return new Attribution(methodId, map, null, request.targets(), request.parameters(), request.layers(),
                null, Map.of(), Map.of());
    }

    /** @return a copy with a layer-resolution map and the layers it comes from */
    public Attribution withLayerMap(Tensor newLayerMap, List<String> usedLayers) {
        return new Attribution(methodId, map, newLayerMap, targets, parameters, usedLayers, convergenceDelta,
                timingsMillis, details);
    }

    /** @return a copy with a convergence delta per input */
    public Attribution withConvergenceDelta(double[] delta) {
        return new Attribution(methodId, map, layerMap, targets, parameters, layers, delta, timingsMillis, details);
    }

    /** @return a copy with one more timing */
    public Attribution withTiming(String name, double millis) {
        Map<String, Double> t = new LinkedHashMap<>(timingsMillis);
        t.put(name, millis);
        return new Attribution(methodId, map, layerMap, targets, parameters, layers, convergenceDelta, t, details);
    }

    /** @return a copy with one more detail for the summary */
    public Attribution withDetail(String name, Object value) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put(name, value);
        return new Attribution(methodId, map, layerMap, targets, parameters, layers, convergenceDelta, timingsMillis, d);
    }
}
