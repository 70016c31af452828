package dev.loupe.api;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * One forward (and optionally backward) pass of an {@link ExplainableModel}.
 *
 * @param input the batch, [N, ...]; results are attached to its manager
 * @param objective what the backward pass differentiates; null for a forward-only pass
 * @param captureLayers layer names whose activations (and, with an objective, gradients) to return
 * @param inputGradient whether to return the gradient with respect to the input
 * @param replacements layer values to substitute during the forward pass (ablation, references)
 * @param rules rules that change the backward pass per op, or null for plain gradients
 */
public record PassRequest(NDArray input, Objective objective, List<String> captureLayers,
        boolean inputGradient, Map<String, NDArray> replacements, BackwardRules rules) {

    /** Copies the collections. */
    public PassRequest {
        captureLayers = List.copyOf(captureLayers);
        replacements = Map.copyOf(replacements);
    }

    /** @return a pass returning the gradient of {@code objective} with respect to the input */
    public static PassRequest inputGradient(NDArray input, Objective objective) {
        return new PassRequest(input, objective, List.of(), true, Map.of(), null);
    }

    /** @return a pass capturing activations and gradients at {@code layers} */
    public static PassRequest layers(NDArray input, Objective objective, List<String> layers) {
        return new PassRequest(input, objective, layers, false, Map.of(), null);
    }

    /** @return this request with a backward rule set */
    public PassRequest withRules(BackwardRules newRules) {
        return new PassRequest(input, objective, captureLayers, inputGradient, replacements, newRules);
    }

    /** @return this request with layer values replaced */
    public PassRequest withReplacements(Map<String, NDArray> newReplacements) {
        return new PassRequest(input, objective, captureLayers, inputGradient, newReplacements, rules);
    }
}
