package dev.loupe.platform;

import dev.loupe.api.Cancellation;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Map;

/**
 * How to run an inspector through {@link LoupeHost#inspect}: which one, on which inputs (where it
 * needs them), layers, unit or class, raw parameters (parsed against its descriptor), and
 * progress/cancellation hooks.
 *
 * @param inspector the inspector id
 * @param inputs the inputs as the model takes them, or null
 * @param display the same inputs as images in [0, 1], or null
 * @param names one name per input, or empty
 * @param labels one class label per input, or null
 * @param layers layers to look at; empty for the inspector's default
 * @param unit a channel of the layer, or null
 * @param target a class of the explained output, or null
 * @param parameters raw values by parameter name
 * @param progress progress reporting
 * @param cancellation cancellation
 */
public record InspectOptions(String inspector, Tensor inputs, Tensor display, List<String> names, int[] labels,
        List<String> layers, Integer unit, Integer target, Map<String, String> parameters,
        ProgressListener progress, Cancellation cancellation) {

    /** Copies the collections. */
    public InspectOptions {
        names = List.copyOf(names);
        layers = List.copyOf(layers);
        parameters = Map.copyOf(parameters);
    }

    /** @return options for {@code inspector} with no inputs, default layers and parameters */
    public static InspectOptions of(String inspector) {
        return new InspectOptions(inspector, null, null, List.of(), null, List.of(), null, null, Map.of(),
                ProgressListener.NONE, Cancellation.NEVER);
    }

    /** @return a copy with inputs, the images to draw them as (or null) and their names */
    public InspectOptions withInputs(Tensor newInputs, Tensor newDisplay, List<String> newNames) {
        return new InspectOptions(inspector, newInputs, newDisplay, newNames, labels, layers, unit, target,
                parameters, progress, cancellation);
    }

    /** @return a copy with one class label per input */
    public InspectOptions withLabels(int[] newLabels) {
        return new InspectOptions(inspector, inputs, display, names, newLabels, layers, unit, target, parameters,
                progress, cancellation);
    }

    /** @return a copy looking at these layers */
    public InspectOptions withLayers(List<String> newLayers) {
        return new InspectOptions(inspector, inputs, display, names, labels, newLayers, unit, target, parameters,
                progress, cancellation);
    }

    /** @return a copy looking at a channel ({@code unit}) or a class ({@code target}); either may be null */
    public InspectOptions withUnit(Integer newUnit, Integer newTarget) {
        return new InspectOptions(inspector, inputs, display, names, labels, layers, newUnit, newTarget, parameters,
                progress, cancellation);
    }

    /** @return a copy with raw parameters */
    public InspectOptions withParameters(Map<String, String> p) {
        return new InspectOptions(inspector, inputs, display, names, labels, layers, unit, target, p, progress,
                cancellation);
    }

    /** @return a copy with progress reporting and cancellation */
    public InspectOptions withMonitor(ProgressListener p, Cancellation c) {
        return new InspectOptions(inspector, inputs, display, names, labels, layers, unit, target, parameters, p, c);
    }
}
