package dev.loupe.api;

/** Receives progress of long computations (the CLI draws a progress bar with rate and ETA). */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total, what) -> { };

    /**
     * @param done units finished so far
     * @param total units in all
     * @param what what is being counted, e.g. {@code forward passes}
     */
    void progress(long done, long total, String what);
}
