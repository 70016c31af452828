package dev.loupe.compute;

import ai.djl.engine.Engine;
import dev.loupe.api.Cancellation;
import dev.loupe.api.ComputeService;
import dev.loupe.api.DeviceInfo;
import dev.loupe.api.GradientLock;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ProgressListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute service: batches sized from the workload's memory per evaluation and the free memory
 * of the device the engine computes on, run in order; a batch that runs out of memory is halved and
 * retried (and later batches are cut to the size that fitted), so a plan that was too large still
 * finishes with the same results.
 */
@Component(service = ComputeService.class)
public final class DeviceComputeService implements ComputeService {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceComputeService.class);

    private ComputeSettings settings;

    /** For the framework: settings come from {@link #activate}. */
    public DeviceComputeService() {
        this(ComputeSettings.defaults());
    }

    /** @param settings the limits (embedders and tests) */
    public DeviceComputeService(ComputeSettings settings) {
        this.settings = settings;
    }

    /** Reads the limits the host passed from conf/loupe.properties. */
    @Activate
    void activate(BundleContext context) {
        settings = ComputeSettings.from(context::getProperty);
        LOG.debug("compute service: {}, devices {}", settings, devices());
    }

    /** @return the limits in force */
    public ComputeSettings settings() {
        return settings;
    }

    @Override
    public List<DeviceInfo> devices() {
        return Devices.discover();
    }

    @Override
    public BatchPlan plan(Workload workload) {
        return BatchPlanner.plan(workload, computeDevice(), settings);
    }

    /** @return the device the engine computes on (its default device), as found now */
    DeviceInfo computeDevice() {
        String id = Engine.getEngine("PyTorch").defaultDevice().toString();
        List<DeviceInfo> all = devices();
        return all.stream().filter(d -> d.id().equals(id)).findFirst().orElse(all.get(0));
    }

    @Override
    public <R> List<R> run(BatchPlan plan, BatchTask<R> task, ProgressListener progress, Cancellation cancellation) {
        long total = plan.batches().stream().mapToLong(Batch::size).sum();
        long done = 0;
        int fits = Integer.MAX_VALUE;
        List<R> results = new ArrayList<>();
        Deque<Batch> queue = new ArrayDeque<>(plan.batches());
        while (!queue.isEmpty()) {
            cancellation.throwIfCancelled();
            Batch batch = queue.poll();
            if (batch.size() > fits) {
                pushParts(queue, batch, fits);
                continue;
            }
            GradientLock.LOCK.lock();
            try {
                results.add(task.run(batch));
            } catch (Exception e) {
                if (!OutOfMemory.is(e) || batch.size() == 1) {
                    throw e instanceof RuntimeException r ? r
                            : new LoupeException("batch " + batch.start() + ".." + batch.end() + " failed: "
                                    + e.getMessage(), e);
                }
                fits = batch.size() / 2;
                LOG.warn("a batch of {} evaluations ran out of memory on {}; retrying in batches of {}",
                        batch.size(), batch.device().id(), fits);
                pushParts(queue, batch, fits);
                continue;
            } finally {
                GradientLock.LOCK.unlock();
            }
            done += batch.size();
            progress.progress(done, total, "evaluations");
        }
        return results;
    }

    /** Puts the batch back as consecutive parts of at most {@code size}, first part first. */
    private static void pushParts(Deque<Batch> queue, Batch batch, int size) {
        List<Batch> parts = new ArrayList<>();
        for (int start = batch.start(); start < batch.end(); start += size) {
            parts.add(new Batch(start, Math.min(batch.end(), start + size), batch.device()));
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            queue.addFirst(parts.get(i));
        }
    }
}
