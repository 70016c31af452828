package dev.loupe.platform.cli;

import dev.loupe.platform.LoupeHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What every command shares: the Loupe home, verbosity, where to print, and the host — started
 * on first use by a one-shot CLI call, or the running host for commands typed in its shell.
 */
public final class CliContext implements AutoCloseable {
    private final Path home;
    private final boolean verbose;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Supplier<LoupeHost> starter;
    private final boolean ownsHost;
    private LoupeHost host;

    /**
     * @param home the installation folder (plugins/, bundles/, conf/)
     * @param verbose show details and stack traces
     * @param out standard output
     * @param err error output
     * @param existing a running host to use, or null to start one on demand
     */
    public CliContext(Path home, boolean verbose, PrintWriter out, PrintWriter err, LoupeHost existing) {
        this.home = home;
        this.verbose = verbose;
        this.out = out;
        this.err = err;
        this.host = existing;
        this.ownsHost = existing == null;
        this.starter = () -> LoupeHost.builder().home(home).verbose(verbose).start();
    }

    /** @return the host, started now if needed */
    public synchronized LoupeHost host() {
        if (host == null) {
            host = starter.get();
        }
        return host;
    }

    /** @return the installation folder */
    public Path home() {
        return home;
    }

    /** @return whether details and stack traces are wanted */
    public boolean verbose() {
        return verbose;
    }

    /** @return standard output */
    public PrintWriter out() {
        return out;
    }

    /** @return error output */
    public PrintWriter err() {
        return err;
    }

    /** Stops the host if this context started it. */
    @Override
    public synchronized void close() {
        out.flush();
        err.flush();
        if (ownsHost && host != null) {
            host.close();
            host = null;
        }
    }
}
