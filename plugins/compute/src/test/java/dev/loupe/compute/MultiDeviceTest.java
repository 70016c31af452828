package dev.loupe.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import dev.loupe.api.Cancellation;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ComputeService.Batch;
import dev.loupe.api.ComputeService.Workload;
import dev.loupe.api.DeviceInfo;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ForwardingModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.SerialComputeService;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Spreading work over several GPUs, on a machine that has none: the service is handed two pretend
 * GPUs, and the model's copy "on" each one runs on the CPU but records where and on which thread
 * it was asked to run.
 */
class MultiDeviceTest {
    private static final DeviceInfo CPU = Devices.cpu();
    private static final DeviceInfo GPU0 = new DeviceInfo("gpu(0)", DeviceInfo.Kind.GPU, "test", 16L << 30, 8L << 30);
    private static final DeviceInfo GPU1 = new DeviceInfo("gpu(1)", DeviceInfo.Kind.GPU, "test", 16L << 30, 8L << 30);
    private static final List<DeviceInfo> MACHINE = List.of(CPU, GPU0, GPU1);

    /** A model that "runs on" every device: its copy for a GPU records the rows and threads it served. */
    private static final class PretendGpus extends ForwardingModel {
        final Map<String, Long> rows = new ConcurrentHashMap<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final int failAbove;

        PretendGpus(ExplainableModel model, int failAbove) {
            super(model);
            this.failAbove = failAbove;
        }

        @Override
        public boolean runsOn(DeviceInfo device) {
            return true;
        }

        @Override
        public ExplainableModel onDevice(DeviceInfo device) {
            if (device.kind() == DeviceInfo.Kind.CPU) {
                return this;
            }
            return new ForwardingModel(delegate) {
                @Override
                public PassResult pass(PassRequest request) {
                    long n = request.input().getShape().get(0);
                    if (n > failAbove && device.equals(GPU1)) {
                        throw new EngineException("CUDA out of memory. Tried to allocate 1.00 GiB");
                    }
                    rows.merge(device.id(), n, Long::sum);
                    threads.add(Thread.currentThread().getName());
                    return delegate.pass(request);
                }

                @Override
                public void close() {
                    // the copy shares the test's model
                }
            };
        }
    }

    private static DeviceComputeService service(String devices) {
        return new DeviceComputeService(new ComputeSettings(256, 0.6, 32, devices), () -> MACHINE);
    }

    @Test
    void forwardWorkIsDealtOverEveryGpuAndGradientWorkStaysOnTheFirst() {
        try (ExplainableModel shapes = Shapes.model()) {
            PretendGpus model = new PretendGpus(shapes, Integer.MAX_VALUE);
            DeviceComputeService service = service("auto");
            ComputeService.BatchPlan forward = service.plan(new Workload(1000, 1L << 20, false, "x"), model);
            assertEquals(List.of(GPU0, GPU1, GPU0, GPU1), forward.batches().stream().map(Batch::device).toList(),
                    "256 at most per batch, dealt in turn");
            ComputeService.BatchPlan small = service.plan(new Workload(40, 1L << 20, false, "x"), model);
            assertEquals(List.of(20, 20), small.batches().stream().map(Batch::size).toList(),
                    "each GPU gets work even when one batch would hold it all");
            ComputeService.BatchPlan gradient = service.plan(new Workload(1000, 1L << 20, true, "x"), model);
            assertTrue(gradient.batches().stream().allMatch(b -> b.device().equals(GPU0)), gradient::toString);
            assertEquals(List.of(CPU), service.devicesFor(new Workload(10, 0, false, "x"), shapes),
                    "a model that cannot move stays on the CPU");
            assertEquals(List.of(CPU), service("cpu").devicesFor(new Workload(10, 0, false, "x"), model));
            assertEquals(List.of(GPU1), service("GPU1").devicesFor(new Workload(10, 0, false, "x"), model));
        }
    }

    @Test
    void devicesTheMachineLacksAreNamedWithTheOnesItHas() {
        LoupeException e = assertThrows(LoupeException.class, () -> service("gpu(0),gpu(7)").plan(
                new Workload(10, 0, false, "x"), new PretendGpus(null, 0)));
        assertTrue(e.getMessage().contains("[gpu(7)]") && e.getMessage().contains("gpu(1)"), e::getMessage);
        ComputeSettings fromConf = ComputeSettings.from(Map.of(ComputeSettings.DEVICES, " gpu(1), cpu()")::get);
        assertEquals(List.of(CPU, GPU1), fromConf.allowed(MACHINE));
    }

    /** Both GPUs' threads must be inside a batch at the same moment, or the latch times out. */
    @Test
    void batchesOnTwoGpusRunAtTheSameTime() throws Exception {
        DeviceComputeService service = service("auto");
        try (ExplainableModel shapes = Shapes.model()) {
            ComputeService.BatchPlan plan = service.plan(new Workload(64, 1L << 20, false, "x"),
                    new PretendGpus(shapes, Integer.MAX_VALUE));
            CountDownLatch bothInside = new CountDownLatch(2);
            AtomicLong reported = new AtomicLong();
            List<Integer> starts = service.run(plan, b -> {
                bothInside.countDown();
                if (!bothInside.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other GPU's batch never started");
                }
                return b.start();
            }, (done, total, what) -> reported.set(done), Cancellation.NEVER);
            assertEquals(List.of(0, 32), starts, "results in plan order");
            assertEquals(64, reported.get());
        }
    }

    /**
     * Occlusion-like sweeps over two GPUs give what one serial CPU run gives, also when one GPU runs
     * out of memory and halves its batches.
     */
    @Test
    void aSweepOverTwoGpusEqualsTheSerialRunEvenWhenOneRunsOutOfMemory() {
        try (ExplainableModel shapes = Shapes.model()) {
            Tensor inputs = Shapes.inputs();
            int item = inputs.itemSize();
            PerturbationSweep.Perturbation darken = (i, k, dest, off) -> {
                System.arraycopy(inputs.data(), i * item, dest, off, item);
                for (int p = k * 37 % item; p < item; p += 97) {
                    dest[off + p] = 0;
                }
            };
            float[][] serial = new PerturbationSweep(shapes, Shapes.objective(), inputs,
                    context(new SerialComputeService(7))).objectives(50, darken, "copies");
            PretendGpus model = new PretendGpus(shapes, 10);
            DeviceComputeService service = new DeviceComputeService(new ComputeSettings(32, 0.6, 32), () -> MACHINE);
            float[][] spread = new PerturbationSweep(model, Shapes.objective(), inputs, context(service))
                    .objectives(50, darken, "copies");
            for (int i = 0; i < serial.length; i++) {
                assertArrayEquals(serial[i], spread[i], 1e-5f, "input " + i);
            }
            assertEquals(400L, model.rows.values().stream().mapToLong(Long::longValue).sum());
            // 13 batches of 32 dealt in turn: gpu(1) has six, which it finishes in batches of 8
            assertEquals(192L, model.rows.get("gpu(1)"), model.rows::toString);
            assertEquals(2, model.threads.size(), model.threads::toString);
        }
    }

    private static ExplanationContext context(ComputeService compute) {
        return ExplanationContext.of(compute, ProgressListener.NONE, Cancellation.NEVER, id -> Optional.empty());
    }
}
