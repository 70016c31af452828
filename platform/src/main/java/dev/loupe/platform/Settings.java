package dev.loupe.platform;

import dev.loupe.api.LoupeException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * conf/loupe.properties: {@code loupe.*} entries go to the framework, where bundles read them (the
 * compute service's {@code loupe.compute.maxBatch}, {@code memoryFraction}, {@code defaultBatch});
 * {@code loupe.compute.threads} sets libtorch's thread count before the engine starts.
 */
public final class Settings {
    /** libtorch's intra-op threads, for DJL. */
    public static final String THREADS = "loupe.compute.threads";

    private Settings() {
    }

    /** @return the {@code loupe.*} entries of the file, none when it does not exist */
    public static Map<String, String> read(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new LoupeException("cannot read " + file + ": " + e.getMessage() + "; fix or remove the file", e);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("loupe.")) {
                out.put(key, p.getProperty(key).trim());
            }
        }
        return out;
    }

    /** Hands the thread count to DJL unless the JVM was given one (DJL reads it when the engine starts). */
    static void applyThreads(Map<String, String> properties) {
        String threads = properties.get(THREADS);
        if (threads == null || threads.isBlank()) {
            return;
        }
        try {
            if (Integer.parseInt(threads) < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new LoupeException(THREADS + " must be a whole number of at least 1; got '" + threads
                    + "' (conf/loupe.properties)");
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads);
        }
    }
}
