package dev.loupe.testkit;

import dev.loupe.api.Cancellation;
import dev.loupe.api.ComputeService;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.ProgressListener;
import dev.loupe.api.SerialComputeService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An explanation context as the host lends it, for tests: a serial compute service with a chosen
 * batch size, no progress output, no cancellation, and the methods the test installs.
 */
public final class TestContext implements ExplanationContext {
    private final ComputeService compute;
    private final Map<String, Explainer> methods = new HashMap<>();

    /** @param maxBatch the compute service's batch size */
    public TestContext(int maxBatch) {
        this.compute = new SerialComputeService(maxBatch);
    }

    /** @return this context with more installed methods */
    public TestContext with(Explainer... installed) {
        for (Explainer e : installed) {
            methods.put(e.descriptor().id(), e);
        }
        return this;
    }

    @Override
    public ComputeService compute() {
        return compute;
    }

    @Override
    public ProgressListener progress() {
        return ProgressListener.NONE;
    }

    @Override
    public Cancellation cancellation() {
        return Cancellation.NEVER;
    }

    @Override
    public Optional<Explainer> method(String methodId) {
        return Optional.ofNullable(methods.get(methodId));
    }
}
