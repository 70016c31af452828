package dev.loupe.platform.host;

import dev.loupe.api.LoupeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Felix framework: boots it with Loupe's system packages, installs the framework's
 * own bundles (SCR, ConfigAdmin, Gogo, FileInstall) from the platform jar, the static bundles of
 * {@code bundles/}, and lets FileInstall watch {@code plugins/}.
 */
public final class HostFramework implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostFramework.class);
    /** Location prefix of the framework's own bundles. */
    static final String FRAMEWORK_LOCATION = "loupe:framework/";
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";

    private final HostConfig config;
    private final Path storage;
    private final boolean temporaryStorage;
    private Framework felix;

    /**
     * @param config directories and timings
     */
    public HostFramework(HostConfig config) {
        this.config = config;
        try {
            this.temporaryStorage = config.storageDir() == null;
            this.storage = temporaryStorage ? Files.createTempDirectory("loupe-framework") : config.storageDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the framework's storage folder", e);
        }
    }

    /** Boots the framework and its bundles. */
    public void start() {
        DjlSupport.init();
        Map<String, Object> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.exports());
        props.putAll(config.properties());
        props.put("felix.log.logger", new FelixLogBridge());
        props.put("felix.log.level", config.verbose() ? "4" : "2");
        // without a LogService SCR prints below-warning messages to standard output, which belongs to the results
        props.put("ds.loglevel", "warn");
        props.put("felix.fileinstall.dir", config.pluginDir().toString());
        props.put("felix.fileinstall.poll", Long.toString(config.pollInterval().toMillis()));
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.filter", ".*\\.jar");
        props.put("felix.fileinstall.tmpdir", storage.resolve("fileinstall-tmp").toString());
        props.put("felix.fileinstall.log.default", "jul");
        // FileInstall's own messages repeat, with stack traces, what PluginManager reports in one line
        props.put("felix.fileinstall.log.level", config.verbose() ? "4" : "0");
        props.put("felix.fileinstall.bundles.new.start", "true");
        // plugins have no optional imports worth re-wiring; refreshing would restart running methods
        props.put("felix.fileinstall.optionalImportRefreshScope", "none");
        try {
            Files.createDirectories(config.pluginDir());
            felix = new org.apache.felix.framework.FrameworkFactory().newFramework(toStrings(props));
            felix.init();
            felix.start();
            List<Bundle> started = new ArrayList<>();
            Bundle fileInstall = null;
            for (String name : frameworkBundleNames()) {
                Bundle b = installFrameworkBundle(name);
                if (FILEINSTALL.equals(b.getSymbolicName())) {
                    fileInstall = b;
                } else {
                    started.add(b);
                }
            }
            startAll(started);
            startAll(installStaticBundles());
            if (fileInstall != null) {
                fileInstall.start();
            }
        } catch (BundleException | IOException e) {
            close();
            throw new LoupeException("the plugin framework failed to start: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> toStrings(Map<String, Object> props) {
        // Felix accepts objects in its configuration map (the logger); the cast keeps the API happy
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, String> m = (Map) props;
        return m;
    }

    private static List<String> frameworkBundleNames() throws IOException {
        try (InputStream in = resource("index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = HostFramework.class.getResourceAsStream("/loupe-bundles/" + name);
        if (in == null) {
            throw new IOException("framework bundle " + name + " is missing from the platform jar");
        }
        return in;
    }

    private Bundle installFrameworkBundle(String name) throws IOException, BundleException {
        try (InputStream in = resource(name)) {
            return felix.getBundleContext().installBundle(FRAMEWORK_LOCATION + name, in);
        }
    }

    /** Installs every jar of {@code bundles/}; these carry native code and are never hot-swapped. */
    private List<Bundle> installStaticBundles() throws IOException {
        List<Bundle> installed = new ArrayList<>();
        Path dir = config.bundleDir();
        if (dir == null || !Files.isDirectory(dir)) {
            return installed;
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        for (Path jar : jars) {
            try {
                installed.add(felix.getBundleContext().installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                LOG.error("static bundle {} could not be installed: {}", jar.getFileName(), e.getMessage());
            }
        }
        return installed;
    }

    private static void startAll(List<Bundle> bundles) {
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException e) {
                LOG.error("bundle {} could not start: {}", b.getSymbolicName(), PluginDiagnosis.explain(e));
            }
        }
    }

    /** @return the framework's context, for service lookups and installs */
    public BundleContext context() {
        if (felix == null) {
            throw new IllegalStateException("the framework is not running");
        }
        return felix.getBundleContext();
    }

    /** @return the running framework */
    public Framework framework() {
        return felix;
    }

    /** @return the configuration */
    public HostConfig config() {
        return config;
    }

    /** Stops the framework and deletes temporary storage. */
    @Override
    public void close() {
        if (felix != null) {
            try {
                felix.stop();
                felix.waitForStop(10_000);
            } catch (BundleException e) {
                LOG.warn("framework did not stop cleanly: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            felix = null;
        }
        if (temporaryStorage) {
            deleteRecursively(storage);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
