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
 * when either is unknown. Several devices take consecutive batches in turn, all of the size the
 * smallest of them fits (or smaller, so that each device has a batch).
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
        return plan(workload, List.of(device), settings);
    }

    /**
     * @param devices where to run, at least one
     * @return consecutive batches, dealt to the devices in turn
     */
    static BatchPlan plan(Workload workload, List<DeviceInfo> devices, ComputeSettings settings) {
        int size = devices.stream().mapToInt(d -> batchSize(workload, d, settings)).min().orElseThrow();
        // every device gets work, even when one batch would hold it all
        size = Math.max(1, Math.min(size, (workload.evaluations() + devices.size() - 1) / devices.size()));
        List<Batch> batches = new ArrayList<>();
        for (int start = 0, k = 0; start < workload.evaluations(); start += size, k++) {
            batches.add(new Batch(start, Math.min(workload.evaluations(), start + size),
                    devices.get(k % devices.size())));
        }
        return new BatchPlan(batches);
    }
}
