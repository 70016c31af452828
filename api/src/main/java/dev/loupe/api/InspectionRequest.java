package dev.loupe.api;

import java.util.List;
import java.util.Map;

/**
 * What to inspect.
 *
 * @param inputs the inputs [N, C, H, W] as the model takes them, or null
 * @param display the same inputs as images in [0, 1] for drawing, [N, 3 or 1, H, W], or null
 * @param names one name per input (file names), or empty
 * @param labels one class label per input (colours an embedding map), or null
 * @param layers the layers to look at; empty for the inspector's default
 * @param unit a channel of the layer, or null
 * @param target a class of the explained output, or null
 * @param parameters the inspector's resolved parameters
 */
public record InspectionRequest(Tensor inputs, Tensor display, List<String> names, int[] labels,
        List<String> layers, Integer unit, Integer target, Map<String, Object> parameters) {

    /** Copies the collections. */
    public InspectionRequest {
        names = List.copyOf(names);
        layers = List.copyOf(layers);
        parameters = Map.copyOf(parameters);
    }

    /** @return the inputs, or an error saying the inspector needs them */
    public Tensor requireInputs(String inspectorId) {
        if (inputs == null) {
            throw new LoupeException(inspectorId + " needs inputs: give --input (a .npy batch, an image or a folder)");
        }
        return inputs;
    }

    /** @return a parameter's value, cast */
    @SuppressWarnings("unchecked")
    public <T> T param(String name) {
        return (T) parameters.get(name);
    }
}
