package dev.loupe.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.loupe.gradient.GradientSweep;
import dev.loupe.testkit.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceComputeServiceTest {
    private static final DeviceInfo GPU = new DeviceInfo("gpu(0)", DeviceInfo.Kind.GPU, "test", 16L << 30, 8L << 30);

    @Test
    void batchesFollowTheFreeMemoryAndTheLimits() {
        ComputeSettings s = new ComputeSettings(256, 0.5, 32);
        // half of 8 GiB at 40 MiB per evaluation: 102 evaluations
        assertEquals(102, BatchPlanner.batchSize(new Workload(1000, 40L << 20, true, "x"), GPU, s));
        assertEquals(256, BatchPlanner.batchSize(new Workload(1000, 1L << 20, true, "x"), GPU, s), "the maximum");
        assertEquals(1, BatchPlanner.batchSize(new Workload(1000, 64L << 30, true, "x"), GPU, s), "at least one");
        assertEquals(32, BatchPlanner.batchSize(new Workload(1000, 0, true, "x"), GPU, s), "unknown size");
        ComputeService.BatchPlan plan = BatchPlanner.plan(new Workload(250, 40L << 20, true, "x"), GPU, s);
        assertEquals(List.of(0, 102, 204), plan.batches().stream().map(Batch::start).toList());
        assertEquals(250, plan.batches().get(2).end());
    }

    @Test
    void settingsComeFromPropertiesAndBadValuesAreNamed() {
        Map<String, String> conf = Map.of(ComputeSettings.MAX_BATCH, "64", ComputeSettings.MEMORY_FRACTION, "0.25");
        ComputeSettings s = ComputeSettings.from(conf::get);
        assertEquals(new ComputeSettings(64, 0.25, 32), s);
        LoupeException bad = assertThrows(LoupeException.class,
                () -> ComputeSettings.from(Map.of(ComputeSettings.MAX_BATCH, "lots")::get));
        assertTrue(bad.getMessage().contains(ComputeSettings.MAX_BATCH) && bad.getMessage().contains("lots"));
        assertThrows(LoupeException.class, () -> new ComputeSettings(8, 1.5, 8));
    }

    @Test
    void theMachineHasACpuWithItsMemory() {
        List<DeviceInfo> devices = new DeviceComputeService().devices();
        assertEquals(DeviceInfo.Kind.CPU, devices.get(0).kind());
        assertTrue(devices.get(0).totalMemory() > 0 && devices.get(0).freeMemory() > 0, devices::toString);
    }

    /**
     * A model that fails like CUDA when given more than 5 inputs at once: the service plans 32,
     * halves until the batch fits, and the gradients equal those of a plan of 5 from the start.
     */
    @Test
    void aBatchThatRunsOutOfMemoryIsHalvedAndTheResultIsTheSame() {
        try (ExplainableModel shapes = Shapes.model()) {
            AtomicInteger refused = new AtomicInteger();
            List<Integer> sizes = new ArrayList<>();
            ExplainableModel small = new ForwardingModel(shapes) {
                @Override
                public PassResult pass(PassRequest request) {
                    long n = request.input().getShape().get(0);
                    if (n > 5) {
                        refused.incrementAndGet();
                        throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
                    }
                    sizes.add((int) n);
                    return delegate.pass(request);
                }
            };
            Tensor inputs = Shapes.inputs();
            AtomicLong reported = new AtomicLong();
            DeviceComputeService service = new DeviceComputeService(new ComputeSettings(32, 0.6, 32));
            Tensor shrunk = GradientSweep.of(small, Shapes.objective(), inputs,
                    context(service, (done, total, what) -> reported.set(done))).inputGradients(inputs);
            Tensor planned = GradientSweep.of(shapes, Shapes.objective(), inputs,
                    context(new SerialComputeService(5), ProgressListener.NONE)).inputGradients(inputs);
            assertEquals(planned, shrunk);
            assertEquals(1, refused.get(), "the batch of 8 failed once, then its halves fitted: " + sizes);
            assertEquals(List.of(4, 4), sizes);
            assertEquals(8, reported.get());
        }
    }

    @Test
    void otherFailuresAndASingleEvaluationOutOfMemoryAreNotRetried() {
        DeviceComputeService service = new DeviceComputeService(new ComputeSettings(8, 0.6, 8));
        ComputeService.BatchPlan plan = service.plan(new Workload(8, 0, false, "x"));
        AtomicInteger calls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> service.run(plan, b -> {
            calls.incrementAndGet();
            throw new IllegalStateException("broken model");
        }, ProgressListener.NONE, Cancellation.NEVER));
        assertEquals(1, calls.get());
        assertThrows(EngineException.class, () -> service.run(service.plan(new Workload(1, 0, false, "x")), b -> {
            throw new EngineException("CUDA out of memory");
        }, ProgressListener.NONE, Cancellation.NEVER));
    }

    @Test
    void cancellationStopsBetweenBatches() {
        DeviceComputeService service = new DeviceComputeService(new ComputeSettings(2, 0.6, 2));
        AtomicInteger ran = new AtomicInteger();
        Cancellation afterTwo = () -> ran.get() >= 2;
        assertThrows(RuntimeException.class, () -> service.run(service.plan(new Workload(10, 0, false, "x")),
                b -> ran.incrementAndGet(), ProgressListener.NONE, afterTwo));
        assertEquals(2, ran.get());
    }

    @Test
    void outOfMemoryIsRecognisedWhoeverSaysIt() {
        assertTrue(OutOfMemory.is(new OutOfMemoryError("Java heap space")));
        assertTrue(OutOfMemory.is(new LoupeException("pass failed", new EngineException("CUDA out of memory."))));
        assertTrue(OutOfMemory.is(new EngineException("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: "
                + "not enough memory: you tried to allocate 123 bytes")));
        assertFalse(OutOfMemory.is(new EngineException("shape mismatch")));
    }

    private static ExplanationContext context(ComputeService compute, ProgressListener progress) {
        return ExplanationContext.of(compute, progress, Cancellation.NEVER, id -> Optional.empty());
    }
}
