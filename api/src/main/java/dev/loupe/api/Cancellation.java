package dev.loupe.api;

import java.util.concurrent.CancellationException;

/** Lets a caller stop a long computation; methods check it between batches. */
@FunctionalInterface
public interface Cancellation {
    /** Never cancelled. */
    Cancellation NEVER = () -> false;

    /** @return whether the caller asked to stop */
    boolean isCancelled();

    /** @throws CancellationException if the caller asked to stop */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled");
        }
    }
}
