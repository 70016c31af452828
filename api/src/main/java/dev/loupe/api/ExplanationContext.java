package dev.loupe.api;

import java.util.Optional;

/**
 * What the host lends a method for one call: the compute service, progress reporting,
 * cancellation, and access to other installed methods (SmoothGrad wraps any of them).
 */
public interface ExplanationContext {

    /** @return the compute service that plans and runs batches */
    ComputeService compute();

    /** @return where to report progress */
    ProgressListener progress();

    /** @return whether the caller wants to stop */
    Cancellation cancellation();

    /**
     * @param methodId an installed method's id
     * @return that method, if installed
     */
    Optional<Explainer> method(String methodId);
}
