package dev.loupe.platform.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the host keeps its bundles and how it watches them.
 *
 * @param pluginDir hot-deployed method and metric bundles, watched by FileInstall
 * @param bundleDir static bundles with native code (engines, backends): loaded at start only;
 *     may be null
 * @param storageDir the framework's working storage, or null for a fresh temporary folder
 *     deleted on close (so concurrent hosts never share state)
 * @param pollInterval how often FileInstall looks at {@code pluginDir}
 * @param startTimeout how long start waits for the plugins present at start to come up
 * @param verbose whether the framework's own components log details
 * @param properties settings bundles read from the framework (conf/loupe.properties' {@code loupe.*}
 *     entries, e.g. the compute service's limits)
 */
public record HostConfig(Path pluginDir, Path bundleDir, Path storageDir, Duration pollInterval,
        Duration startTimeout, boolean verbose, Map<String, String> properties) {

    /** Default poll interval: quick enough that a dropped jar shows up within a second. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(300);

    /** Makes the paths absolute. */
    public HostConfig {
        pluginDir = pluginDir.toAbsolutePath().normalize();
        bundleDir = bundleDir == null ? null : bundleDir.toAbsolutePath().normalize();
        storageDir = storageDir == null ? null : storageDir.toAbsolutePath().normalize();
        properties = Map.copyOf(properties);
    }

    /** A configuration without bundle settings. */
    public HostConfig(Path pluginDir, Path bundleDir, Path storageDir, Duration pollInterval, Duration startTimeout,
            boolean verbose) {
        this(pluginDir, bundleDir, storageDir, pollInterval, startTimeout, verbose, Map.of());
    }
}
