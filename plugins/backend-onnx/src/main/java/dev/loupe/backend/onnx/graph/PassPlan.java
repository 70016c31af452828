package dev.loupe.backend.onnx.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A pass with every name resolved to a graph value: what to feed, what to differentiate, what to
 * capture and replace.
 *
 * @param inputName the graph input fed with {@code input}
 * @param input the batch
 * @param objective what to differentiate, or null for forward only
 * @param scoresName the value {@code objective} reads
 * @param capture value names whose activations (and gradients, with an objective) are returned
 * @param inputGradient whether the input gradient is returned
 * @param replacements substituted values by value name
 * @param rules per-op backward rules, or null for plain gradients
 */
public record PassPlan(String inputName, NDArray input, Objective objective, String scoresName, List<String> capture,
        boolean inputGradient, Map<String, NDArray> replacements, BackwardRules rules) {

    /** @return whether a backward pass is needed */
    boolean needsBackward() {
        return objective != null && (inputGradient || !capture.isEmpty());
    }

    /** Applies a replacement, checking that it fits where it goes. */
    NDArray replace(String name, NDArray value) {
        NDArray r = replacements.get(name);
        if (r == null) {
            return value;
        }
        if (!r.getShape().equals(value.getShape())) {
            throw new LoupeException("the replacement for layer '" + name + "' has shape "
                    + Arrays.toString(r.getShape().getShape()) + " but the layer's value has shape "
                    + Arrays.toString(value.getShape().getShape()) + "; give a value of the layer's shape");
        }
        return r.getDataType() == value.getDataType() ? r : r.toType(value.getDataType(), false);
    }

    /**
     * Takes a result out of the pass's scope: it survives the scope and belongs to the input's
     * manager.
     */
    NDArray keep(NDArray array) {
        if (array == null) {
            return null;
        }
        NDManager owner = input.getManager();
        NDScope.unregister(array);
        if (array.getManager() != owner) {
            array.attach(owner);
        }
        return array;
    }

    /** @return the scores value of a finished forward run */
    NDArray scores(Map<String, NDArray> values) {
        NDArray s = values.get(scoresName);
        if (s == null) {
            throw new LoupeException("the explained output '" + scoresName + "' was not computed by the graph");
        }
        return s;
    }
}
