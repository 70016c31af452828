package dev.loupe.backend.onnx.graph;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.loupe.api.BackwardRule;
import dev.loupe.api.GradientLock;
import dev.loupe.api.LoupeException;
import dev.loupe.api.PassResult;
import dev.loupe.backend.onnx.graph.Graph.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backward pass walked node by node in Java, so each node's backward can be replaced by a
 * {@link BackwardRule} (DJL offers no custom autograd function). The forward runs once without
 * autograd and keeps every value; going backwards, a node with a rule gets its context (inputs,
 * parameters, output, incoming signal) and returns the signal for its inputs; every other node
 * propagates its plain vector-Jacobian product, recomputed on detached copies of its inputs.
 */
public final class RulePass {
    private RulePass() {
    }

    /**
     * @param graph the (canonized) graph
     * @param plan the resolved pass; {@code plan.rules()} is not null
     * @return the results, on the input's manager
     */
    public static PassResult run(Graph graph, PassPlan plan) {
        GradientLock.LOCK.lock();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Set<String> capture = new HashSet<>(plan.capture());
            Set<String> replaced = new HashSet<>();
            Map<String, NDArray> activations = new LinkedHashMap<>();
            Map<String, NDArray> values = graph.run(Map.of(plan.inputName(), plan.input()), (step, name, value) -> {
                NDArray v = plan.replace(name, value);
                if (v != value) {
                    replaced.add(name);
                }
                if (capture.contains(name)) {
                    activations.put(name, v);
                }
                return v;
            });
            if (capture.contains(plan.inputName())) {
                activations.put(plan.inputName(), plan.input());
            }
            NDArray scores = plan.scores(values);
            NDArray objective = plan.objective() == null ? null : plan.objective().score(scores);
            Map<String, NDArray> signal = new LinkedHashMap<>();
            if (plan.objective() != null) {
                signal.put(plan.scoresName(), seed(plan, scores));
                Walk walk = new Walk(graph, plan, values, signal, replaced, producers(graph));
                List<Step> steps = graph.steps();
                for (int s = steps.size() - 1; s >= 0; s--) {
                    backward(walk, steps.get(s));
                }
            }
            NDArray inputGradient = plan.inputGradient() ? plan.keep(signalOrZeros(signal, plan.inputName(), plan.input()))
                    : null;
            Map<String, NDArray> layerGradients = new LinkedHashMap<>();
            Map<String, NDArray> kept = new LinkedHashMap<>();
            for (String name : plan.capture()) {
                NDArray value = activations.get(name);
                kept.put(name, plan.keep(value));
                if (plan.objective() != null) {
                    layerGradients.put(name, name.equals(plan.inputName()) && inputGradient != null ? inputGradient
                            : plan.keep(signalOrZeros(signal, name, value)));
                }
            }
            return new PassResult(plan.keep(scores), objective == null ? null : plan.keep(objective), inputGradient,
                    kept, layerGradients);
        } finally {
            GradientLock.LOCK.unlock();
        }
    }

    private static NDArray signalOrZeros(Map<String, NDArray> signal, String name, NDArray like) {
        NDArray s = signal.get(name);
        return s != null ? s : like.zerosLike();
    }

    /** d objective / d scores, which starts the walk. */
    private static NDArray seed(PassPlan plan, NDArray scores) {
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray s = scores.duplicate();
            s.setRequiresGradient(true);
            collector.backward(plan.objective().score(s));
            return s.getGradient();
        }
    }

    /** What the backward walk shares between nodes. */
    private record Walk(Graph graph, PassPlan plan, Map<String, NDArray> values, Map<String, NDArray> signal,
            Set<String> replaced, Map<String, Step> producers) {
    }

    /** @return the single-output node producing each tensor */
    private static Map<String, Step> producers(Graph graph) {
        Map<String, Step> producers = new HashMap<>();
        for (Step step : graph.steps()) {
            if (step.node().outputs().size() == 1) {
                producers.put(step.node().outputs().get(0), step);
            }
        }
        return producers;
    }

    private static void backward(Walk walk, Step step) {
        List<String> outputs = step.node().outputs();
        NDArray[] grads = new NDArray[outputs.size()];
        boolean any = false;
        for (int i = 0; i < grads.length; i++) {
            // a replaced value does not depend on the node's inputs: its signal stops there
            if (!walk.replaced().contains(outputs.get(i))) {
                grads[i] = walk.signal().get(outputs.get(i));
                any |= grads[i] != null;
            }
        }
        if (!any) {
            return;
        }
        NodeContext context = new NodeContext(walk, step, grads);
        PassPlan plan = walk.plan();
        BackwardRule rule = ruleFor(plan, step);
        NDList result;
        try {
            result = rule != null && outputs.size() == 1 ? rule.backward(context) : context.plainBackwardAll();
        } catch (LoupeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LoupeException("the backward pass failed at " + step.opType() + " node '" + step.name() + "'"
                    + (rule != null ? " (custom rule)" : "") + ": " + e.getMessage(), e);
        }
        context.deliver(result);
    }

    private static BackwardRule ruleFor(PassPlan plan, Step step) {
        for (String output : step.node().outputs()) {
            BackwardRule byOutput = plan.rules().byNodeName().get(output);
            if (byOutput != null) {
                return byOutput;
            }
        }
        return plan.rules().ruleFor(step.opType(), step.name());
    }

    /** The context a rule sees; activations are the node's non-constant inputs. */
    private static final class NodeContext implements BackwardRule.OpContext {
        private final Walk walk;
        private final Step step;
        private final NDArray[] inputs;
        private final NDArray[] grads;
        private final NDArray output;
        private final List<Integer> activationPositions = new ArrayList<>();
        private final List<Integer> parameterPositions = new ArrayList<>();

        /** @param grads the signals at the node's outputs; empty for a producer seen from a consumer */
        NodeContext(Walk walk, Step step, NDArray[] grads) {
            this.walk = walk;
            this.step = step;
            this.inputs = Graph.gather(step.node(), walk.graph().constants(), walk.values());
            this.grads = grads;
            this.output = walk.values().get(step.node().outputs().get(0));
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] == null) {
                    continue;
                }
                (walk.graph().isConstant(step.node().inputs().get(i)) ? parameterPositions : activationPositions)
                        .add(i);
            }
        }

        NDList plainBackwardAll() {
            return vjpAll(inputs, grads);
        }

        /** Adds the rule's result to the signal of each activation input. */
        void deliver(NDList result) {
            if (result.size() != activationPositions.size()) {
                throw new LoupeException("the backward rule for " + step.opType() + " node '" + step.name()
                        + "' returned " + result.size() + " signals for " + activationPositions.size() + " inputs");
            }
            for (int k = 0; k < activationPositions.size(); k++) {
                NDArray g = result.get(k);
                if (g != null) {
                    walk.signal().merge(step.node().inputs().get(activationPositions.get(k)), g, NDArray::add);
                }
            }
        }

        @Override
        public BackwardRule.OpContext producer(int input) {
            String name = step.node().inputs().get(activationPositions.get(input));
            Step producer = walk.producers().get(name);
            return producer == null || walk.replaced().contains(name) ? null
                    : new NodeContext(walk, producer, new NDArray[1]);
        }

        @Override
        public void addInputSignals(NDList signals) {
            deliver(signals);
        }

        @Override
        public String opType() {
            return step.opType();
        }

        @Override
        public String nodeName() {
            return step.name();
        }

        @Override
        public NDList inputs() {
            return pick(inputs, activationPositions);
        }

        @Override
        public NDList parameters() {
            return pick(inputs, parameterPositions);
        }

        @Override
        public NDArray output() {
            return output;
        }

        @Override
        public NDArray gradOutput() {
            return grads[0];
        }

        @Override
        public NDList vjp(NDList newInputs, NDList newParameters, NDArray grad) {
            NDArray[] all = assemble(newInputs, newParameters);
            NDArray[] g = new NDArray[grads.length];
            g[0] = grad;
            return vjpAll(all, g);
        }

        @Override
        public NDArray forward(NDList newInputs, NDList newParameters) {
            return step.kernel().apply(assemble(newInputs, newParameters))[0];
        }

        private NDArray[] assemble(NDList newInputs, NDList newParameters) {
            if (newInputs.size() != activationPositions.size() || newParameters.size() != parameterPositions.size()) {
                throw new LoupeException(step.opType() + " node '" + step.name() + "' takes "
                        + activationPositions.size() + " inputs and " + parameterPositions.size()
                        + " parameters; the rule gave " + newInputs.size() + " and " + newParameters.size());
            }
            NDArray[] all = inputs.clone();
            for (int k = 0; k < activationPositions.size(); k++) {
                all[activationPositions.get(k)] = newInputs.get(k);
            }
            for (int k = 0; k < parameterPositions.size(); k++) {
                all[parameterPositions.get(k)] = newParameters.get(k);
            }
            return all;
        }

        /** The node's vector-Jacobian product for the signals at its outputs, per activation input. */
        NDList vjpAll(NDArray[] all, NDArray[] outputGrads) {
            // float activations become fresh leaves; integer inputs (shapes, indices) take no signal
            NDArray[] leaves = all.clone();
            List<Integer> differentiable = new ArrayList<>();
            for (int i : activationPositions) {
                if (all[i].getDataType().isFloating()) {
                    leaves[i] = all[i].stopGradient();
                    leaves[i].setRequiresGradient(true);
                    differentiable.add(i);
                }
            }
            NDArray[] grads = new NDArray[all.length];
            if (!differentiable.isEmpty()) {
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray[] out = step.kernel().apply(leaves);
                    NDArray total = null;
                    for (int k = 0; k < outputGrads.length && k < out.length; k++) {
                        if (outputGrads[k] != null && out[k].getDataType().isFloating()) {
                            NDArray term = out[k].mul(outputGrads[k].toType(out[k].getDataType(), false)).sum();
                            total = total == null ? term : total.add(term);
                        }
                    }
                    if (total != null) {
                        collector.backward(total);
                        for (int i : differentiable) {
                            NDArray g = leaves[i].getGradient();
                            grads[i] = g != null ? g : all[i].zerosLike();
                        }
                    }
                }
            }
            return pick(grads, activationPositions);
        }

        private static NDList pick(NDArray[] arrays, List<Integer> positions) {
            NDList list = new NDList(positions.size());
            positions.forEach(i -> list.add(arrays[i]));
            return list;
        }
    }

}
