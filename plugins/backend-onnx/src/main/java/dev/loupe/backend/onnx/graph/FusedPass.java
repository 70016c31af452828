package dev.loupe.backend.onnx.graph;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.loupe.api.GradientLock;
import dev.loupe.api.PassResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Forward and plain backward in one libtorch autograd pass. A captured layer's gradient is read
 * from a zero "tap" added to its value: d objective / d tap = d objective / d layer, and the path
 * to the input stays intact, so input and layer gradients come from one backward.
 */
public final class FusedPass {
    private FusedPass() {
    }

    /**
     * @param graph the graph
     * @param plan the resolved pass
     * @return the results, on the input's manager
     */
    public static PassResult run(Graph graph, PassPlan plan) {
        boolean backward = plan.needsBackward();
        if (backward) {
            GradientLock.LOCK.lock();
        }
        try (NDScope scope = new NDScope();
                GradientCollector collector = backward ? Engine.getEngine("PyTorch").newGradientCollector() : null) {
            scope.suppressNotUsedWarning();
            NDArray x = plan.input();
            if (backward && plan.inputGradient()) {
                // a fresh leaf: DJL does not zero gradients, and the caller's array stays untouched
                x = x.duplicate();
                x.setRequiresGradient(true);
            }
            Set<String> capture = new HashSet<>(plan.capture());
            Map<String, NDArray> activations = new LinkedHashMap<>();
            Map<String, NDArray> taps = new HashMap<>();
            Map<String, NDArray> feeds = Map.of(plan.inputName(), x);
            Map<String, NDArray> values = graph.run(feeds, (step, name, value) -> {
                NDArray v = plan.replace(name, value);
                if (capture.contains(name)) {
                    activations.put(name, v);
                    if (backward) {
                        NDArray tap = v.zerosLike();
                        tap.setRequiresGradient(true);
                        taps.put(name, tap);
                        v = v.add(tap);
                    }
                }
                return v;
            });
            if (capture.contains(plan.inputName())) {
                activations.put(plan.inputName(), x);
            }
            NDArray scores = plan.scores(values);
            NDArray objective = plan.objective() == null ? null : plan.objective().score(scores);
            Map<String, NDArray> layerGradients = new LinkedHashMap<>();
            NDArray inputGradient = null;
            if (backward) {
                collector.backward(objective);
                if (plan.inputGradient()) {
                    inputGradient = plan.keep(x.getGradient());
                }
                for (String name : plan.capture()) {
                    NDArray tap = taps.get(name);
                    if (tap != null) {
                        layerGradients.put(name, plan.keep(tap.getGradient()));
                    } else if (name.equals(plan.inputName()) && inputGradient != null) {
                        layerGradients.put(name, inputGradient);
                    }
                }
            }
            Map<String, NDArray> kept = new LinkedHashMap<>();
            activations.forEach((name, value) -> kept.put(name, plan.keep(value.stopGradient())));
            return new PassResult(plan.keep(scores.stopGradient()),
                    objective == null ? null : plan.keep(objective.stopGradient()), inputGradient, kept,
                    layerGradients);
        } finally {
            if (backward) {
                GradientLock.LOCK.unlock();
            }
        }
    }
}
