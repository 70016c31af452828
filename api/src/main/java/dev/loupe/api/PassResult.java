package dev.loupe.api;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What a pass produced; every array is attached to the request input's manager.
 *
 * @param output the explained output tensor, [N, classes]
 * @param objective the objective value per input, [N], or null for a forward-only pass
 * @param inputGradient d objective / d input, or null when not requested
 * @param activations captured layer values by layer name
 * @param layerGradients d objective / d layer by layer name (empty without an objective)
 */
public record PassResult(NDArray output, NDArray objective, NDArray inputGradient,
        Map<String, NDArray> activations, Map<String, NDArray> layerGradients) {

    /** Copies the maps. */
    public PassResult {
        activations = Map.copyOf(activations);
        layerGradients = Map.copyOf(layerGradients);
    }
}
