package dev.loupe.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Evaluates the model at {@code samples} points derived from each of {@code inputs} inputs — the
 * steps of an integral, noisy copies, random baselines — in the batches the compute service plans.
 * Evaluation {@code e} is point {@code e % samples} of input {@code e / samples}; batches may span
 * inputs. Points are written in plain Java memory (in parallel), results are handed back in
 * evaluation order, so a method that accumulates them in that order gets the same numbers for any
 * batch plan.
 */
public final class GradientSweep {
    /** Below this many values per batch, points are written on the calling thread. */
    private static final int PARALLEL_FILL = 1 << 16;

    private final ExplainableModel model;
    private final Objective objective;
    private final long[] itemShape;
    private final int itemSize;
    private final ExplanationContext context;

    /**
     * Writes one evaluation point. Called concurrently for different points, so it must not
     * share mutable state between calls.
     */
    @FunctionalInterface
    public interface Points {
        /**
         * @param input the input the point derives from
         * @param sample the point's index among that input's points
         * @param dest where to write the point
         * @param offset the point's first position in {@code dest}
         */
        void fill(int input, int sample, float[] dest, int offset);
    }

    /** Receives the result at one point; called in evaluation order, from one thread. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param input the input the point derives from
         * @param sample the point's index among that input's points
         * @param gradient the gradient of the objective at the point, from {@code offset} on (the
         *     array is reused: copy what you keep); null for forward-only sweeps
         * @param offset the point's first position in {@code gradient}
         * @param objective the objective's value at the point
         */
        void accept(int input, int sample, float[] gradient, int offset, float objective);
    }

    /**
     * @param model the model
     * @param objective the objective of the original inputs (one target each)
     * @param itemShape the shape of one input, without the batch axis
     * @param context the compute service, progress and cancellation
     */
    public GradientSweep(ExplainableModel model, Objective objective, long[] itemShape, ExplanationContext context) {
        this.model = model;
        this.objective = objective;
        this.itemShape = itemShape.clone();
        this.context = context;
        long size = 1;
        for (long d : itemShape) {
            size *= d;
        }
        this.itemSize = Math.toIntExact(size);
    }

    /** @return a sweep over a batch's inputs: item shape from {@code inputs} */
    public static GradientSweep of(ExplainableModel model, Objective objective, Tensor inputs,
            ExplanationContext context) {
        long[] s = inputs.shape();
        long[] item = new long[s.length - 1];
        System.arraycopy(s, 1, item, 0, item.length);
        return new GradientSweep(model, objective, item, context);
    }

    /** @return the number of values in one input */
    public int itemSize() {
        return itemSize;
    }

    /**
     * Gradients of the objective at every point.
     *
     * @param inputs the number of original inputs
     * @param samples points per input
     * @param points writes the points
     * @param sink receives gradient and objective value per point, in evaluation order
     * @param what what a point is, for progress messages (e.g. {@code integration steps})
     */
    public void gradients(int inputs, int samples, Points points, Sink sink, String what) {
        sweep(inputs, samples, points, sink, true, what);
    }

    /**
     * The objective's value at every point, forward passes only.
     *
     * @param inputs the number of original inputs
     * @param samples points per input
     * @param points writes the points
     * @return the values, evaluation {@code input * samples + sample} at that index
     */
    public float[] objectives(int inputs, int samples, Points points) {
        float[] out = new float[Math.multiplyExact(inputs, samples)];
        sweep(inputs, samples, points, (i, k, g, off, value) -> out[i * samples + k] = value, false, "forward passes");
        return out;
    }

    /** @return the plain input gradients of a batch, one point per input */
    public Tensor inputGradients(Tensor inputs) {
        float[] x = inputs.data();
        float[] out = new float[x.length];
        gradients(inputs.batchSize(), 1, (i, k, dest, off) -> System.arraycopy(x, i * itemSize, dest, off, itemSize),
                (i, k, g, off, value) -> System.arraycopy(g, off, out, i * itemSize, itemSize), "inputs");
        return new Tensor(out, inputs.shape());
    }

    private void sweep(int inputs, int samples, Points points, Sink sink, boolean gradient, String what) {
        int total = Math.multiplyExact(inputs, samples);
        ComputeService compute = context.compute();
        ComputeService.BatchPlan plan = compute.plan(new ComputeService.Workload(total,
                model.bytesPerEvaluation(gradient), gradient, what), model);
        compute.run(plan, batch -> {
            int b = batch.size();
            float[] buffer = new float[Math.multiplyExact(b, itemSize)];
            int[] rows = new int[b];
            IntStream range = IntStream.range(0, b);
            (buffer.length >= PARALLEL_FILL ? range.parallel() : range).forEach(j -> {
                int e = batch.start() + j;
                points.fill(e / samples, e % samples, buffer, j * itemSize);
            });
            for (int j = 0; j < b; j++) {
                rows[j] = (batch.start() + j) / samples;
            }
            ExplainableModel local = model.onDevice(batch.device());
            try (NDManager m = local.newManager()) {
                NDArray x = m.create(buffer, new Shape(batchShape(b)));
                Objective o = objective.select(rows);
                PassResult r = local.pass(gradient ? PassRequest.inputGradient(x, o)
                        : new PassRequest(x, o, List.of(), false, Map.of(), null));
                float[] values = r.objective().toFloatArray();
                float[] g = gradient ? r.inputGradient().toFloatArray() : null;
                for (int j = 0; j < b; j++) {
                    int e = batch.start() + j;
                    sink.accept(e / samples, e % samples, g, j * itemSize, values[j]);
                }
            }
            return null;
        }, context.progress(), context.cancellation());
    }

    private long[] batchShape(int b) {
        long[] s = new long[itemShape.length + 1];
        s[0] = b;
        System.arraycopy(itemShape, 0, s, 1, itemShape.length);
        return s;
    }
}
