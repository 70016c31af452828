package dev.loupe.api;

import java.util.List;

/**
 * Plans and runs many model evaluations in batches that fit the devices' memory, with progress
 * and cancellation. Methods that need many passes (integration steps, noise samples, occlusion
 * windows, perturbation masks) split their work through it instead of looping over single inputs.
 */
public interface ComputeService {

    /** @return the devices found (always at least the CPU) */
    List<DeviceInfo> devices();

    /**
     * Plans batches for a workload.
     *
     * @param workload how many evaluations, their memory per sample, whether they need gradients
     * @return consecutive batches covering {@code [0, workload.evaluations())}
     */
    BatchPlan plan(Workload workload);

    /**
     * Plans batches for a workload of one model over the devices it runs on
     * ({@link ExplainableModel#runsOn}): forward-only workloads may be spread over several GPUs,
     * and a task then runs {@link ExplainableModel#onDevice} with its batch's device.
     *
     * @param workload how many evaluations, their memory per sample, whether they need gradients
     * @param model the model the batches evaluate
     * @return consecutive batches covering {@code [0, workload.evaluations())}
     */
    default BatchPlan plan(Workload workload, ExplainableModel model) {
        return plan(workload);
    }

    /**
     * Runs a task on every batch of a plan, reporting progress and stopping when cancelled. Batches
     * on one device run in order; batches on several devices run at the same time, one thread per
     * device, so a task must only write its own batch's part of shared results. A batch that runs
     * out of memory is split and its parts run in its place. Gradient workloads are serialised
     * (one gradient collection per JVM at a time).
     *
     * @param plan the batches
     * @param task what to do with one batch
     * @param progress where to report finished evaluations
     * @param cancellation checked between batches
     * @param <R> the task's result
     * @return one result per batch run (a batch split after running out of memory gives one per
     *     part), in plan order
     */
    <R> List<R> run(BatchPlan plan, BatchTask<R> task, ProgressListener progress, Cancellation cancellation);

    /**
     * A request for many evaluations of one model at one input shape.
     *
     * @param evaluations how many inputs to evaluate
     * @param bytesPerEvaluation an estimate of memory per input (activations, gradients), or 0 if unknown
     * @param needsGradient whether each evaluation includes a backward pass
     * @param what what is counted, for progress messages
     */
    record Workload(int evaluations, long bytesPerEvaluation, boolean needsGradient, String what) {
    }

    /**
     * Batches in order.
     *
     * @param batches consecutive, non-overlapping ranges
     */
    record BatchPlan(List<Batch> batches) {
        /** Copies the list. */
        public BatchPlan {
            batches = List.copyOf(batches);
        }
    }

    /**
     * One batch: evaluations {@code [start, end)} on a device.
     *
     * @param start first evaluation index
     * @param end one past the last
     * @param device where to run it
     */
    record Batch(int start, int end, DeviceInfo device) {
        /** @return the number of evaluations */
        public int size() {
            return end - start;
        }
    }

    /**
     * Work on one batch.
     *
     * @param <R> the result type
     */
    @FunctionalInterface
    interface BatchTask<R> {
        /**
         * @param batch the range and device
         * @return the batch's result
         * @throws Exception on failure; the run stops and rethrows
         */
        R run(Batch batch) throws Exception;
    }
}
