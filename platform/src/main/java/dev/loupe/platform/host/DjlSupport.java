package dev.loupe.platform.host;

import ai.djl.engine.Engine;
import java.util.function.Supplier;

/**
 * DJL set-up for use inside the framework. DJL finds its engines and native libraries through
 * the thread context class loader; bundles have their own class loaders, so every call the host
 * makes into plugins runs with the context class loader set to DJL's own.
 */
public final class DjlSupport {
    private static volatile boolean initialised;

    private DjlSupport() {
    }

    /**
     * Offline mode, no telemetry, and the engine registry filled from DJL's class loader. Cheap:
     * libtorch itself loads on first use. Settings the user already made are kept.
     */
    public static synchronized void init() {
        if (initialised) {
            return;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        // Engine's static initialiser discovers providers with ServiceLoader on the context loader
        withDjlClassLoader(() -> Engine.getAllEngines().size());
        initialised = true;
    }

    /** @return DJL's version as DJL reports it */
    static String version() {
        return Engine.getDjlVersion();
    }

    /** @return the class loader that holds DJL and its engines */
    public static ClassLoader djlClassLoader() {
        return Engine.class.getClassLoader();
    }

    /**
     * Runs {@code work} with the context class loader set to DJL's.
     *
     * @param work the work
     * @param <T> its result
     * @return its result
     */
    public static <T> T withDjlClassLoader(Supplier<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(djlClassLoader());
        try {
            return work.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
