package dev.loupe.api;

import java.util.concurrent.locks.ReentrantLock;

/**
 * DJL's PyTorch gradient collector is process-wide: only one may be open at a time, whichever
 * bundle opens it. Every backend and compute service holds this one lock around a gradient
 * pass, so concurrent explanations queue instead of failing.
 */
public final class GradientLock {
    /** The JVM-wide lock (the API bundle is loaded once, so all bundles share it). */
    public static final ReentrantLock LOCK = new ReentrantLock();

    private GradientLock() {
    }
}
