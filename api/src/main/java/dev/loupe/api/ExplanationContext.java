package dev.loupe.api;

import java.util.Optional;
import java.util.function.Function;

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

    /**
     * @param progress where the copy reports progress
     * @return this context with another progress listener (e.g. {@link ProgressListener#NONE} for a
     *     wrapped method whose caller reports progress itself)
     */
    default ExplanationContext withProgress(ProgressListener progress) {
        return of(compute(), progress, cancellation(), this::method);
    }

    /**
     * @param compute the compute service
     * @param progress where to report progress
     * @param cancellation whether the caller wants to stop
     * @param methods the installed methods by id
     * @return a context of these parts
     */
    static ExplanationContext of(ComputeService compute, ProgressListener progress, Cancellation cancellation,
            Function<String, Optional<Explainer>> methods) {
        record Parts(ComputeService compute, ProgressListener progress, Cancellation cancellation,
                Function<String, Optional<Explainer>> methods) implements ExplanationContext {
            @Override
            public Optional<Explainer> method(String methodId) {
                return methods.apply(methodId);
            }
        }
        return new Parts(compute, progress, cancellation, methods);
    }
}
