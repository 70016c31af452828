package dev.loupe.platform.cli;

import dev.loupe.api.ProgressListener;
import java.io.PrintWriter;

/**
 * A one-line progress bar with rate and ETA on the error stream, drawn only on a terminal and
 * only once a run has taken more than a second.
 */
final class ConsoleProgress implements ProgressListener {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private final PrintWriter err;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void progress(long done, long total, String what) {
        long elapsed = System.nanoTime() - start;
        if (!terminal || elapsed < SHOW_AFTER_NANOS || total <= 0) {
            return;
        }
        double rate = done / (elapsed / 1e9);
        double eta = rate > 0 ? (total - done) / rate : 0;
        int width = 30;
        int filled = (int) (width * done / total);
        err.printf("\r[%s%s] %3d%% %d/%d %s  %.1f/s  ETA %.0fs", "#".repeat(filled), " ".repeat(width - filled),
                100 * done / total, done, total, what, rate, eta);
        if (done >= total) {
            err.println();
        }
        err.flush();
    }
}
