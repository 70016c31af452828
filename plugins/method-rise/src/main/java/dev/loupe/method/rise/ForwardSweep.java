package dev.loupe.method.rise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Forward passes over {@code samples} perturbed copies of each input, in the batches the compute
 * service plans. Evaluation {@code e} is sample {@code e % samples} of input {@code e / samples}; a
 * batch may span inputs. Copies are written in parallel into plain Java memory; scores come back
 * in evaluation order on one thread, so sums taken in that order do not depend on the batch plan.
 */
final class ForwardSweep {
    /** Below this many values per batch, copies are written on the calling thread. */
    private static final int PARALLEL_FILL = 1 << 16;

    /** Writes one perturbed copy; called concurrently for different copies. */
    @FunctionalInterface
    interface Fill {
        void fill(int input, int sample, float[] dest, int offset);
    }

    /** Receives the objective of one copy, in evaluation order. */
    @FunctionalInterface
    interface Scores {
        void accept(int input, int sample, float score);
    }

    private ForwardSweep() {
    }

    static void run(ExplainableModel model, Objective objective, long[] inputShape, int samples, Fill fill,
            Scores scores, ExplanationContext context) {
        int inputs = Math.toIntExact(inputShape[0]);
        int itemSize = 1;
        for (int d = 1; d < inputShape.length; d++) {
            itemSize = Math.multiplyExact(itemSize, Math.toIntExact(inputShape[d]));
        }
        int item = itemSize;
        ComputeService compute = context.compute();
        ComputeService.BatchPlan plan = compute.plan(new ComputeService.Workload(Math.multiplyExact(inputs, samples),
                0, false, "masks"));
        compute.run(plan, batch -> {
            int b = batch.size();
            float[] buffer = new float[Math.multiplyExact(b, item)];
            IntStream range = IntStream.range(0, b);
            (buffer.length >= PARALLEL_FILL ? range.parallel() : range).forEach(j -> {
                int e = batch.start() + j;
                fill.fill(e / samples, e % samples, buffer, j * item);
            });
            int[] rows = new int[b];
            for (int j = 0; j < b; j++) {
                rows[j] = (batch.start() + j) / samples;
            }
            long[] shape = inputShape.clone();
            shape[0] = b;
            float[] values;
            try (NDManager m = model.newManager()) {
                NDArray x = m.create(buffer, new Shape(shape));
                values = model.pass(new PassRequest(x, objective.select(rows), List.of(), false, Map.of(), null))
                        .objective().toFloatArray();
            }
            for (int j = 0; j < b; j++) {
                int e = batch.start() + j;
                scores.accept(e / samples, e % samples, values[j]);
            }
            return null;
        }, context.progress(), context.cancellation());
    }
}
