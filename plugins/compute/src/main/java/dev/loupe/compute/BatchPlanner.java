package dev.loupe.compute;

import dev.loupe.api.ComputeService.Batch;
import dev.loupe.api.ComputeService.BatchPlan;
import dev.loupe.api.ComputeService.Workload;
import dev.loupe.api.DeviceInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch sizes from memory: as many evaluations as fit in the settings' share of the device's free
 * memory at the workload's bytes per evaluation, at most the settings' maximum; the default batch
 * when either is unknown.
 */
final class BatchPlanner {
    private BatchPlanner() {
    }

    /** @return the batch size for a workload on a device */
    static int batchSize(Workload workload, DeviceInfo device, ComputeSettings settings) {
        if (workload.bytesPerEvaluation() <= 0 || device.freeMemory() <= 0) {
            return Math.min(settings.defaultBatch(), settings.maxBatch());
        }
        double fits = settings.memoryFraction() * device.freeMemory() / workload.bytesPerEvaluation();
        return (int) Math.max(1, Math.min(settings.maxBatch(), Math.floor(fits)));
    }

    /** @return consecutive batches of the planned size on the device */
    static BatchPlan plan(Workload workload, DeviceInfo device, ComputeSettings settings) {
        int size = batchSize(workload, device, settings);
        List<Batch> batches = new ArrayList<>();
        for (int start = 0; start < workload.evaluations(); start += size) {
            batches.add(new Batch(start, Math.min(workload.evaluations(), start + size), device));
        }
        return new BatchPlan(batches);
    }
}
