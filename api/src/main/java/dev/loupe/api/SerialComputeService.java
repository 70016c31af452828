package dev.loupe.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A compute service with the CPU only, fixed-size batches, one batch at a time. The host lends it
 * to methods while no compute plugin is installed (the compute plugin replaces it with device
 * discovery and memory-based planning); tests and embedders can use it directly.
 */
public final class SerialComputeService implements ComputeService {
    private final int maxBatch;
    private final DeviceInfo cpu;

    /** @param maxBatch the largest batch to plan */
    public SerialComputeService(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        Runtime rt = Runtime.getRuntime();
        this.cpu = new DeviceInfo("cpu()", DeviceInfo.Kind.CPU, rt.availableProcessors() + " cores", -1, -1);
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(cpu);
    }

    @Override
    public BatchPlan plan(Workload workload) {
        List<Batch> batches = new ArrayList<>();
        for (int start = 0; start < workload.evaluations(); start += maxBatch) {
            batches.add(new Batch(start, Math.min(workload.evaluations(), start + maxBatch), cpu));
        }
        return new BatchPlan(batches);
    }

    @Override
    public <R> List<R> run(BatchPlan plan, BatchTask<R> task, ProgressListener progress, Cancellation cancellation) {
        long total = plan.batches().stream().mapToLong(Batch::size).sum();
        long done = 0;
        List<R> results = new ArrayList<>();
        for (Batch batch : plan.batches()) {
            cancellation.throwIfCancelled();
            GradientLock.LOCK.lock();
            try {
                results.add(task.run(batch));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new LoupeException("batch " + batch.start() + ".." + batch.end() + " failed: " + e.getMessage(), e);
            } finally {
                GradientLock.LOCK.unlock();
            }
            done += batch.size();
            progress.progress(done, total, "evaluations");
        }
        return results;
    }
}
