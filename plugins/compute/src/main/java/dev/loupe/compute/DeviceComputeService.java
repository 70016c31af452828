package dev.loupe.compute;

import dev.loupe.api.Cancellation;
import dev.loupe.api.ComputeService;
import dev.loupe.api.DeviceInfo;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.GradientLock;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ProgressListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute service: batches sized from the workload's memory per evaluation and the free memory
 * of the devices a model runs on. Forward-only work is dealt over every allowed GPU and run there at
 * the same time, one thread per device; gradient work stays on one device, since DJL allows one
 * gradient collection per JVM. A batch that runs out of memory is halved and retried (and later
 * batches on that device are cut to the size that fitted), so a plan that was too large still
 * finishes with the same results.
 */
@Component(service = ComputeService.class)
public final class DeviceComputeService implements ComputeService {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceComputeService.class);

    private final Supplier<List<DeviceInfo>> discovery;
    private ComputeSettings settings;

    /** For the framework: settings come from {@link #activate}. */
    public DeviceComputeService() {
        this(ComputeSettings.defaults());
    }

    /** @param settings the limits (embedders and tests) */
    public DeviceComputeService(ComputeSettings settings) {
        this(settings, Devices::discover);
    }

    /**
     * @param settings the limits
     * @param discovery the machine's devices, CPU first (tests pretend to have GPUs)
     */
    public DeviceComputeService(ComputeSettings settings, Supplier<List<DeviceInfo>> discovery) {
        this.settings = settings;
        this.discovery = discovery;
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
        return discovery.get();
    }

    /** Without a model the batches are for the CPU, where backends load models. */
    @Override
    public BatchPlan plan(Workload workload) {
        return BatchPlanner.plan(workload, devices().get(0), settings);
    }

    @Override
    public BatchPlan plan(Workload workload, ExplainableModel model) {
        return BatchPlanner.plan(workload, devicesFor(workload, model), settings);
    }

    /**
     * The allowed GPUs the model runs on (only the first for gradient work), else the CPU.
     *
     * @throws LoupeException if the settings allow no device the model runs on
     */
    List<DeviceInfo> devicesFor(Workload workload, ExplainableModel model) {
        List<DeviceInfo> usable = settings.allowed(devices()).stream().filter(model::runsOn).toList();
        List<DeviceInfo> gpus = usable.stream().filter(d -> d.kind() == DeviceInfo.Kind.GPU).toList();
        if (!gpus.isEmpty()) {
            return workload.needsGradient() ? gpus.subList(0, 1) : gpus;
        }
        if (usable.isEmpty()) {
            throw new LoupeException(ComputeSettings.DEVICES + "=" + settings.devices() + " allows no device the "
                    + model.backendId() + " backend runs on; `loupe devices` lists this machine's devices");
        }
        return usable.subList(0, 1);
    }

    @Override
    public <R> List<R> run(BatchPlan plan, BatchTask<R> task, ProgressListener progress, Cancellation cancellation) {
        Progress counter = new Progress(plan, progress);
        Map<String, DeviceQueue<R>> queues = new LinkedHashMap<>();
        for (Batch batch : plan.batches()) {
            queues.computeIfAbsent(batch.device().id(), id -> new DeviceQueue<>(task, counter));
        }
        if (queues.size() <= 1) {
            List<R> results = new ArrayList<>();
            for (Batch batch : plan.batches()) {
                cancellation.throwIfCancelled();
                GradientLock.LOCK.lock();
                try {
                    results.addAll(queues.get(batch.device().id()).run(batch));
                } finally {
                    GradientLock.LOCK.unlock();
                }
            }
            return results;
        }
        return runInParallel(plan, queues, cancellation);
    }

    /** One thread per device, each running its batches in order; results are put back in plan order. */
    private static <R> List<R> runInParallel(BatchPlan plan, Map<String, DeviceQueue<R>> queues,
            Cancellation cancellation) {
        List<List<R>> perBatch = new ArrayList<>();
        plan.batches().forEach(b -> perBatch.add(null));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(queues.size(), r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (Map.Entry<String, DeviceQueue<R>> entry : queues.entrySet()) {
                workers.add(pool.submit(() -> {
                    Thread.currentThread().setName("loupe-compute-" + entry.getKey());
                    for (int q = 0; q < plan.batches().size() && !stop.get(); q++) {
                        Batch batch = plan.batches().get(q);
                        if (batch.device().id().equals(entry.getKey())) {
                            cancellation.throwIfCancelled();
                            perBatch.set(q, entry.getValue().run(batch));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    stop.set(true);
                    throw e.getCause() instanceof RuntimeException r ? r
                            : new LoupeException("a batch failed: " + e.getCause().getMessage(), e.getCause());
                } catch (InterruptedException e) {
                    stop.set(true);
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                }
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        List<R> results = new ArrayList<>();
        perBatch.forEach(results::addAll);
        return results;
    }

    /** Finished evaluations over all devices. */
    private static final class Progress {
        private final long total;
        private final ProgressListener listener;
        private long done;

        Progress(BatchPlan plan, ProgressListener listener) {
            this.total = plan.batches().stream().mapToLong(Batch::size).sum();
            this.listener = listener;
        }

        synchronized void add(int evaluations) {
            done += evaluations;
            listener.progress(done, total, "evaluations");
        }
    }

    /** The batches of one device, with the largest size known to fit there. */
    private static final class DeviceQueue<R> {
        private final BatchTask<R> task;
        private final Progress progress;
        private int fits = Integer.MAX_VALUE;

        DeviceQueue(BatchTask<R> task, Progress progress) {
            this.task = task;
            this.progress = progress;
        }

        /** @return the batch's result, or its parts' results when it had to be split */
        List<R> run(Batch batch) {
            List<R> results = new ArrayList<>();
            Deque<Batch> queue = new ArrayDeque<>();
            pushParts(queue, batch, Math.min(fits, batch.size()));
            while (!queue.isEmpty()) {
                Batch part = queue.poll();
                try {
                    results.add(task.run(part));
                } catch (Exception e) {
                    if (!OutOfMemory.is(e) || part.size() == 1) {
                        throw e instanceof RuntimeException r ? r
                                : new LoupeException("batch " + part.start() + ".." + part.end() + " failed: "
                                        + e.getMessage(), e);
                    }
                    fits = part.size() / 2;
                    LOG.warn("a batch of {} evaluations ran out of memory on {}; retrying in batches of {}",
                            part.size(), part.device().id(), fits);
                    pushParts(queue, part, fits);
                    continue;
                }
                progress.add(part.size());
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
}
