package dev.loupe.platform.host;

import java.nio.file.Path;
import java.time.Duration;

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
 */
public record HostConfig(Path pluginDir, Path bundleDir, Path storageDir, Duration pollInterval,
        Duration startTimeout, boolean verbose) {

    /** Default poll interval: quick enough that a dropped jar shows up within a second. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(300);

    /** Makes the paths absolute. */
    public HostConfig {
        pluginDir = pluginDir.toAbsolutePath().normalize();
        bundleDir = bundleDir == null ? null : bundleDir.toAbsolutePath().normalize();
        storageDir = storageDir == null ? null : storageDir.toAbsolutePath().normalize();
    }
}
