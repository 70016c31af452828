package dev.loupe.perturbation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Evaluates the objective at many perturbed copies of each input with forward passes only, in the
 * batches the compute service plans. Copies are written in plain Java memory, in parallel, and a
 * batch may span inputs; the values come back per input in sample order, so the numbers do not
 * depend on the batch plan.
 */
public final class PerturbationSweep {
    /** Below this many values per batch, copies are written on the calling thread. */
    private static final int PARALLEL_FILL = 1 << 16;

    private final ExplainableModel model;
    private final Objective objective;
    private final Tensor inputs;
    private final int itemSize;
    private final ExplanationContext context;

    /**
     * Writes one perturbed copy. Called concurrently for different copies, so it must not share
     * mutable state between calls.
     */
    @FunctionalInterface
    public interface Perturbation {
        /**
         * @param input the input the copy derives from
         * @param sample the copy's index among that input's copies
         * @param dest where to write the copy (one whole input)
         * @param offset the copy's first position in {@code dest}
         */
        void fill(int input, int sample, float[] dest, int offset);
    }

    /**
     * @param model the model (FORWARD is all it needs)
     * @param objective the explained score of the inputs, one target each
     * @param inputs the original inputs, [N, ...]
     * @param context the compute service, progress and cancellation
     */
    public PerturbationSweep(ExplainableModel model, Objective objective, Tensor inputs, ExplanationContext context) {
        this.model = model;
        this.objective = objective;
        this.inputs = inputs;
        this.itemSize = inputs.itemSize();
        this.context = context;
    }

    /** @return the number of values in one input */
    public int itemSize() {
        return itemSize;
    }

    /** @return the objective at the unperturbed inputs, one per input */
    public float[] originals() {
        float[] x = inputs.data();
        float[][] v = objectives(1, (i, k, dest, off) -> System.arraycopy(x, i * itemSize, dest, off, itemSize),
                "inputs");
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i][0];
        }
        return out;
    }

    /**
     * The objective at {@code samples} copies of every input.
     *
     * @param samples copies per input
     * @param perturbation writes the copies
     * @param what what a copy is, for progress messages (e.g. {@code occlusion windows})
     * @return per input, the value at each copy
     */
    public float[][] objectives(int samples, Perturbation perturbation, String what) {
        int[] counts = new int[inputs.batchSize()];
        Arrays.fill(counts, samples);
        return objectives(counts, perturbation, what);
    }

    /**
     * The objective at a number of copies per input (e.g. one per feature when each input has its own
     * superpixels).
     *
     * @param samples copies of each input
     * @param perturbation writes the copies
     * @param what what a copy is, for progress messages
     * @return per input, the value at each copy
     */
    public float[][] objectives(int[] samples, Perturbation perturbation, String what) {
        int n = samples.length;
        // first evaluation of each input; evaluation e belongs to the last input whose start is <= e
        int[] starts = new int[n + 1];
        for (int i = 0; i < n; i++) {
            starts[i + 1] = Math.addExact(starts[i], samples[i]);
        }
        int total = starts[n];
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new float[samples[i]];
        }
        if (total == 0) {
            return out;
        }
        long[] itemShape = Arrays.copyOfRange(inputs.shape(), 1, inputs.shape().length);
        ComputeService compute = context.compute();
        ComputeService.BatchPlan plan = compute.plan(new ComputeService.Workload(total,
                model.bytesPerEvaluation(false), false, what), model);
        // batches may run on several devices at once: each writes only its own evaluations
        compute.run(plan, batch -> {
            int b = batch.size();
            float[] buffer = new float[Math.multiplyExact(b, itemSize)];
            int[] rows = new int[b];
            for (int j = 0; j < b; j++) {
                rows[j] = inputOf(starts, batch.start() + j);
            }
            IntStream range = IntStream.range(0, b);
            (buffer.length >= PARALLEL_FILL ? range.parallel() : range).forEach(j -> {
                int i = rows[j];
                perturbation.fill(i, batch.start() + j - starts[i], buffer, j * itemSize);
            });
            ExplainableModel local = model.onDevice(batch.device());
            float[] values;
            try (NDManager m = local.newManager()) {
                long[] shape = new long[itemShape.length + 1];
                shape[0] = b;
                System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
                PassRequest pass = new PassRequest(m.create(buffer, new Shape(shape)), objective.select(rows),
                        List.of(), false, Map.of(), null);
                values = local.pass(pass).objective().toFloatArray();
            }
            for (int j = 0; j < b; j++) {
                int i = rows[j];
                out[i][batch.start() + j - starts[i]] = values[j];
            }
            return null;
        }, context.progress(), context.cancellation());
        return out;
    }

    private static int inputOf(int[] starts, int evaluation) {
        int p = Arrays.binarySearch(starts, evaluation);
        if (p < 0) {
            return -p - 2;
        }
        // inputs with no samples share a start: take the last input starting here
        while (p + 1 < starts.length - 1 && starts[p + 1] == evaluation) {
            p++;
        }
        return p;
    }
}
