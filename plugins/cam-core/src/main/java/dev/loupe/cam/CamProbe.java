package dev.loupe.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Forward passes of the model on perturbed versions of the explained inputs — masked inputs
 * (Score-CAM) or a layer with channels ablated (Ablation-CAM) — in the batches the compute service
 * plans. Evaluation {@code e} perturbs input {@code e / perInput} and is scored with that input's
 * objective.
 */
public final class CamProbe {
    private final ExplainableModel model;
    private final Tensor inputs;
    private final Objective objective;
    private final ExplanationContext context;

    /** Builds the batch of evaluations {@code [start, end)}. */
    @FunctionalInterface
    public interface Batch {
        /**
         * @param manager where to create the arrays (closed after the pass)
         * @param start the first evaluation
         * @param end one past the last
         * @return the batch's inputs and layer replacements
         */
        Probe build(NDManager manager, int start, int end);
    }

    /**
     * One batch of perturbed evaluations.
     *
     * @param input the model inputs, [end − start, ...]
     * @param replacements layer values to substitute, each [end − start, ...]; empty for none
     */
    public record Probe(NDArray input, Map<String, NDArray> replacements) {
    }

    /**
     * @param model the model
     * @param inputs the explained inputs
     * @param objective their objective, one target each
     * @param context the compute service, progress and cancellation
     */
    public CamProbe(ExplainableModel model, Tensor inputs, Objective objective, ExplanationContext context) {
        this.model = model;
        this.inputs = inputs;
        this.objective = objective;
        this.context = context;
    }

    /** @return the explained inputs */
    public Tensor inputs() {
        return inputs;
    }

    /** @return the objective of the explained inputs */
    public Objective objective() {
        return objective;
    }

    /** @return the model */
    public ExplainableModel model() {
        return model;
    }

    /**
     * The objective at {@code perInput} perturbations of every input.
     *
     * @param perInput evaluations per input
     * @param what what an evaluation is, for progress messages
     * @param batch builds each batch
     * @return the objective per evaluation, [N·perInput]
     */
    public float[] objectives(int perInput, String what, Batch batch) {
        int total = Math.multiplyExact(inputs.batchSize(), perInput);
        float[] out = new float[total];
        ComputeService compute = context.compute();
        compute.run(compute.plan(new ComputeService.Workload(total, model.bytesPerEvaluation(false), false, what), model), b -> {
            int[] rows = new int[b.size()];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = (b.start() + j) / perInput;
            }
            ExplainableModel local = model.onDevice(b.device());
            try (NDManager m = local.newManager()) {
                Probe p = batch.build(m, b.start(), b.end());
                float[] values = local.pass(new PassRequest(p.input(), objective.select(rows), List.of(), false,
                        p.replacements(), null)).objective().toFloatArray();
                System.arraycopy(values, 0, out, b.start(), values.length);
            }
            return null;
        }, context.progress(), context.cancellation());
        return out;
    }

    /**
     * @param manager where to create the array
     * @param rows for each row of the batch, the input it copies
     * @return the inputs {@code rows}, [rows.length, ...]
     */
    public NDArray inputRows(NDManager manager, int[] rows) {
        int size = inputs.itemSize();
        float[] data = new float[Math.multiplyExact(rows.length, size)];
        float[] x = inputs.data();
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(x, rows[j] * size, data, j * size, size);
        }
        long[] shape = inputs.shape().clone();
        shape[0] = rows.length;
        return manager.create(data, new Shape(shape));
    }
}
