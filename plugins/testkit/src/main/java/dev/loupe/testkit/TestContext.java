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
    private final Map<String, Explainer> methods = new HashMap<>();
    private final ExplanationContext parts;

    /** @param maxBatch the compute service's batch size */
    public TestContext(int maxBatch) {
        parts = ExplanationContext.of(new SerialComputeService(maxBatch), ProgressListener.NONE, Cancellation.NEVER,
                id -> Optional.ofNullable(methods.get(id)));
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
        return parts.compute();
    }

    @Override
    public ProgressListener progress() {
        return parts.progress();
    }

    @Override
    public Cancellation cancellation() {
        return parts.cancellation();
    }

    @Override
    public Optional<Explainer> method(String methodId) {
        return parts.method(methodId);
    }
}
