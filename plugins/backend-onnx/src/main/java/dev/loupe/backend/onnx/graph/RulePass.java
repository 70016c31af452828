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
 * A backward pass in which chosen nodes' backward is replaced by a {@link BackwardRule} (DJL offers
 * no custom autograd function). The forward runs once under autograd, with every rule node's output
 * cut off as a leaf of its own; going backwards through the rule nodes, each gets its context
 * (inputs, parameters, output, the signal collected at its output) and returns the signal for its
 * inputs, which libtorch's own backward carries through the plain nodes below, down to the next cut
 * leaves. So plain nodes cost what they cost in an ordinary backward pass, and only rule nodes are
 * recomputed (by the rules themselves, as Zennit's hooks do).
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
        try (NDScope scope = new NDScope();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            scope.suppressNotUsedWarning();
            boolean backward = plan.objective() != null;
            Map<String, Step> ruled = backward ? ruledOutputs(graph, plan) : Map.of();
            Set<String> capture = new HashSet<>(plan.capture());
            Set<String> replaced = new HashSet<>();
            Map<String, NDArray> activations = new LinkedHashMap<>();
            Map<String, NDArray> taps = new HashMap<>();
            NDArray x = plan.input().duplicate();
            x.setRequiresGradient(backward);
            Map<String, NDArray> values = graph.run(Map.of(plan.inputName(), x), (step, name, value) -> {
                NDArray v = plan.replace(name, value);
                if (v != value) {
                    replaced.add(name);
                }
                if (ruled.containsKey(name)) {
                    // a cut: what flows below a rule node is the rule's to decide
                    v = v.stopGradient();
                    v.setRequiresGradient(true);
                }
                if (capture.contains(name)) {
                    activations.put(name, v);
                    if (backward && !ruled.containsKey(name)) {
                        NDArray tap = v.zerosLike();
                        tap.setRequiresGradient(true);
                        taps.put(name, tap);
                        v = v.add(tap);
                    }
                }
                return v;
            });
            if (capture.contains(plan.inputName())) {
                activations.put(plan.inputName(), plan.input());
            }
            NDArray scores = plan.scores(values);
            NDArray objective = backward ? plan.objective().score(scores) : null;
            Walk walk = new Walk(graph, plan, values, new HashMap<>(), replaced, ruled, x, producers(graph));
            NDArray inputGradient = null;
            Map<String, NDArray> layerGradients = new LinkedHashMap<>();
            if (backward) {
                walk.push(plan.scoresName(), seed(plan, scores));
                List<Step> steps = graph.steps();
                for (int s = steps.size() - 1; s >= 0; s--) {
                    Step step = steps.get(s);
                    if (ruled.get(step.node().outputs().get(0)) == step) {
                        backward(walk, step);
                    }
                }
                inputGradient = plan.inputGradient() ? plan.keep(walk.signalOrZeros(plan.inputName(), x)) : null;
                for (String name : plan.capture()) {
                    NDArray tap = taps.get(name);
                    NDArray g = name.equals(plan.inputName()) && inputGradient != null ? inputGradient
                            : tap != null ? tap.getGradient() : walk.signalOrZeros(name, activations.get(name));
                    layerGradients.put(name, plan.keep(g));
                }
            }
            Map<String, NDArray> kept = new LinkedHashMap<>();
            activations.forEach((name, value) -> kept.put(name, plan.keep(value.stopGradient())));
            return new PassResult(plan.keep(scores.stopGradient()),
                    objective == null ? null : plan.keep(objective.stopGradient()), inputGradient, kept,
                    layerGradients);
        } finally {
            GradientLock.LOCK.unlock();
        }
    }

    /** @return the output of each single-output node that has a rule, with the node */
    private static Map<String, Step> ruledOutputs(Graph graph, PassPlan plan) {
        Map<String, Step> ruled = new HashMap<>();
        for (Step step : graph.steps()) {
            if (step.node().outputs().size() == 1 && ruleFor(plan, step) != null) {
                ruled.put(step.node().outputs().get(0), step);
            }
        }
        return ruled;
    }

    /** d objective / d scores, which starts the walk. */
    private static NDArray seed(PassPlan plan, NDArray scores) {
        NDArray s = scores.stopGradient();
        s.setRequiresGradient(true);
        NDArray objective = plan.objective().score(s);
        Autograd.backward(objective, objective.onesLike());
        return s.getGradient();
    }

    /**
     * What the backward walk shares between nodes.
     *
     * @param signal the signal delivered straight to cut leaves (rule outputs, the input)
     * @param ruled rule nodes by their (cut) output
     * @param input the input leaf
     */
    private record Walk(Graph graph, PassPlan plan, Map<String, NDArray> values, Map<String, NDArray> signal,
            Set<String> replaced, Map<String, Step> ruled, NDArray input, Map<String, Step> producers) {

        /** Hands {@code g} to value {@code name}: kept at a cut leaf, or carried down by autograd. */
        void push(String name, NDArray g) {
            if (ruled.containsKey(name) || name.equals(plan.inputName())) {
                signal.merge(name, g, NDArray::add);
                return;
            }
            NDArray target = values.get(name);
            if (target != null) {
                Autograd.backward(target, g);
            }
        }

        /** @return all signal at a cut leaf: delivered by rules and arrived through plain nodes, or null */
        NDArray signalAt(String name) {
            NDArray leaf = name.equals(plan.inputName()) ? input : values.get(name);
            NDArray delivered = signal.get(name);
            NDArray arrived = leaf == null ? null : Autograd.gradientOrNull(leaf);
            return delivered == null ? arrived : arrived == null ? delivered : delivered.add(arrived);
        }

        NDArray signalOrZeros(String name, NDArray like) {
            NDArray s = signalAt(name);
            return s != null ? s : like.zerosLike();
        }
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
        String output = step.node().outputs().get(0);
        // a replaced value does not depend on the node's inputs: its signal stops there
        NDArray grad = walk.replaced().contains(output) ? null : walk.signalAt(output);
        if (grad == null) {
            return;
        }
        NodeContext context = new NodeContext(walk, step, new NDArray[] {grad});
        BackwardRule rule = ruleFor(walk.plan(), step);
        NDList result;
        try {
            result = rule.backward(context);
        } catch (LoupeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LoupeException("the backward pass failed at " + step.opType() + " node '" + step.name()
                    + "' (custom rule): " + e.getMessage(), e);
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

    /**
     * The op recomputed on some arrays, its graph kept for one backward.
     *
     * @param arrays the op's inputs and parameters in node order
     * @param leaves the same, float activations replaced by fresh leaves
     * @param outputs the op's outputs
     * @param differentiable whether any input is a float activation (only those take a signal)
     */
    private record Recording(NDArray[] arrays, NDArray[] leaves, NDArray[] outputs, boolean differentiable) {
        /** @return whether {@code other} holds the very same arrays (identity, not values) */
        boolean readsExactly(NDArray[] other) {
            if (other.length != arrays.length) {
                return false;
            }
            for (int i = 0; i < other.length; i++) {
                if (other[i] != arrays[i]) {
                    return false;
                }
            }
            return true;
        }
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
        private final List<Recording> recordings = new ArrayList<>();

        /** @param grads the signals at the node's outputs; empty for a producer seen from a consumer */
        NodeContext(Walk walk, Step step, NDArray[] grads) {
            this.walk = walk;
            this.step = step;
            this.inputs = Graph.gather(step.node(), walk.graph().constants(), walk.values());
            this.grads = grads;
            // rules see plain values: nothing they compute is recorded in the pass's graph
            this.output = walk.values().get(step.node().outputs().get(0)).stopGradient();
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] == null) {
                    continue;
                }
                boolean constant = walk.graph().isConstant(step.node().inputs().get(i));
                (constant ? parameterPositions : activationPositions).add(i);
                if (!constant) {
                    inputs[i] = inputs[i].stopGradient();
                }
            }
        }

        /** Hands the rule's result to each activation input. */
        void deliver(NDList result) {
            if (result.size() != activationPositions.size()) {
                throw new LoupeException("the backward rule for " + step.opType() + " node '" + step.name()
                        + "' returned " + result.size() + " signals for " + activationPositions.size() + " inputs");
            }
            for (int k = 0; k < activationPositions.size(); k++) {
                NDArray g = result.get(k);
                if (g != null) {
                    walk.push(step.node().inputs().get(activationPositions.get(k)), g);
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
            for (int r = 0; r < recordings.size(); r++) {
                if (recordings.get(r).readsExactly(all)) {
                    return gradients(recordings.remove(r), g);
                }
            }
            return vjpAll(all, g);
        }

        @Override
        public NDArray forward(NDList newInputs, NDList newParameters) {
            Recording recording = record(assemble(newInputs, newParameters));
            // kept for a vjp on the same arrays (a rule's z and then its shares): one forward serves both
            recordings.add(recording);
            return recording.outputs()[0].stopGradient();
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
            return gradients(record(all), outputGrads);
        }

        /** The op recomputed under autograd on fresh leaves of its float activations. */
        private Recording record(NDArray[] all) {
            // integer inputs (shapes, indices) take no signal
            NDArray[] leaves = all.clone();
            boolean differentiable = false;
            for (int i : activationPositions) {
                if (all[i].getDataType().isFloating()) {
                    leaves[i] = all[i].stopGradient();
                    leaves[i].setRequiresGradient(true);
                    differentiable = true;
                }
            }
            // the pass runs under autograd: the recomputed op records onto the fresh leaves only
            return new Recording(all, leaves, step.kernel().apply(leaves), differentiable);
        }

        /** The recorded op's backward (once: a leaf's gradient accumulates). */
        private NDList gradients(Recording recording, NDArray[] outputGrads) {
            NDArray[] all = recording.arrays();
            NDArray[] out = recording.outputs();
            NDArray[] grads = new NDArray[all.length];
            if (!recording.differentiable()) {
                return pick(grads, activationPositions);
            }
            boolean any = false;
            for (int k = 0; k < outputGrads.length && k < out.length; k++) {
                any |= outputGrads[k] != null && Autograd.backward(out[k], outputGrads[k]);
            }
            for (int i : activationPositions) {
                if (all[i].getDataType().isFloating()) {
                    NDArray g = any ? Autograd.gradientOrNull(recording.leaves()[i]) : null;
                    grads[i] = g != null ? g : all[i].zerosLike();
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
