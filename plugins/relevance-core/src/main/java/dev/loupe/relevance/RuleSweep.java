package dev.loupe.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.BackwardRules;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Rule-driven backward passes over a batch of inputs, in the batches the compute service plans: the
 * signal a rule set brings back to the input (guided backprop, LRP relevance) or to a layer
 * (Excitation Backprop at an intermediate layer), with the layer's activation and the objective.
 */
public final class RuleSweep {
    private RuleSweep() {
    }

    /**
     * What one sweep returns, per input.
     *
     * @param signal the signal (pseudo-gradient, relevance) at the input or the layer, batch first
     * @param activation the layer's value (the input itself for input sweeps)
     * @param objective the objective's value per input (what the backward started from)
     */
    public record Signals(Tensor signal, Tensor activation, float[] objective) {

        /** @return the sum of the signal over each input's elements (relevance conservation) */
        public double[] sums() {
            int n = signal.batchSize();
            int size = signal.itemSize();
            double[] sums = new double[n];
            float[] v = signal.data();
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int p = i * size; p < (i + 1) * size; p++) {
                    s += v[p];
                }
                sums[i] = s;
            }
            return sums;
        }
    }

    /**
     * @param model the model (needs BACKWARD_RULES)
     * @param inputs the inputs, batch first
     * @param objective one target per input
     * @param rules the rule set
     * @param context the compute service, progress and cancellation
     * @return the signal at the input
     */
    public static Signals atInput(ExplainableModel model, Tensor inputs, Objective objective, BackwardRules rules,
            ExplanationContext context) {
        return sweep(model, inputs, objective, (x, o) -> rules, null, context);
    }

    /**
     * @param model the model (needs BACKWARD_RULES and LAYER_GRADIENT)
     * @param inputs the inputs, batch first
     * @param objective one target per input
     * @param rules the rule set
     * @param layer the resolved layer name where the signal is read
     * @param context the compute service, progress and cancellation
     * @return the signal at the layer and the layer's value
     */
    public static Signals atLayer(ExplainableModel model, Tensor inputs, Objective objective, BackwardRules rules,
            String layer, ExplanationContext context) {
        return sweep(model, inputs, objective, (x, o) -> rules, layer, context);
    }

    /** Rules that depend on the batch, such as a contrast measured on it first. */
    @FunctionalInterface
    public interface BatchRules {
        /**
         * @param input the batch
         * @param objective its targets
         * @return the rules for the batch's pass
         */
        BackwardRules forBatch(NDArray input, Objective objective);
    }

    /**
     * @param model the model (needs BACKWARD_RULES and LAYER_GRADIENT)
     * @param inputs the inputs, batch first
     * @param objective one target per input
     * @param rules the rule set of each batch
     * @param layer the resolved layer name where the signal is read, or null for the input
     * @param context the compute service, progress and cancellation
     * @return the signal at the layer and the layer's value
     */
    public static Signals run(ExplainableModel model, Tensor inputs, Objective objective, BatchRules rules,
            String layer, ExplanationContext context) {
        return sweep(model, inputs, objective, rules, layer, context);
    }

    private record Chunk(float[] signal, float[] activation, long[] itemShape, float[] objective) {
    }

    private static Signals sweep(ExplainableModel model, Tensor inputs, Objective objective, BatchRules rules,
            String layer, ExplanationContext context) {
        int n = inputs.batchSize();
        int itemSize = inputs.itemSize();
        long[] itemShape = Arrays.copyOfRange(inputs.shape(), 1, inputs.rank());
        ComputeService compute = context.compute();
        ComputeService.BatchPlan plan = compute.plan(new ComputeService.Workload(n, model.bytesPerEvaluation(true), true,
                "inputs"), model);
        List<Chunk> chunks = compute.run(plan, batch -> {
            int b = batch.size();
            int[] rows = new int[b];
            Arrays.setAll(rows, j -> batch.start() + j);
            long[] shape = new long[itemShape.length + 1];
            shape[0] = b;
            System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
            ExplainableModel local = model.onDevice(batch.device());
            try (NDManager m = local.newManager()) {
                float[] x = Arrays.copyOfRange(inputs.data(), batch.start() * itemSize, (batch.start() + b) * itemSize);
                NDArray input = m.create(x, new Shape(shape));
                Objective targets = objective.select(rows);
                PassRequest request = layer == null ? PassRequest.inputGradient(input, targets)
                        : PassRequest.layers(input, targets, List.of(layer));
                PassResult r = local.pass(request.withRules(rules.forBatch(input, targets)));
                if (layer == null) {
                    return new Chunk(r.inputGradient().toFloatArray(), x, itemShape, r.objective().toFloatArray());
                }
                NDArray a = r.activations().get(layer);
                NDArray g = r.layerGradients().get(layer);
                if (a == null || g == null) {
                    throw new LoupeException("the model returned no signal at layer '" + layer + "'");
                }
                long[] s = a.getShape().getShape();
                return new Chunk(g.toFloatArray(), a.toFloatArray(), Arrays.copyOfRange(s, 1, s.length),
                        r.objective().toFloatArray());
            }
        }, context.progress(), context.cancellation());
        long[] outShape = new long[chunks.get(0).itemShape().length + 1];
        outShape[0] = n;
        System.arraycopy(chunks.get(0).itemShape(), 0, outShape, 1, outShape.length - 1);
        return new Signals(new Tensor(concat(chunks, Chunk::signal), outShape),
                new Tensor(concat(chunks, Chunk::activation), outShape), concat(chunks, Chunk::objective));
    }

    private static float[] concat(List<Chunk> chunks, java.util.function.Function<Chunk, float[]> part) {
        int total = chunks.stream().mapToInt(c -> part.apply(c).length).sum();
        float[] out = new float[total];
        int at = 0;
        for (Chunk c : chunks) {
            float[] v = part.apply(c);
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }
}
