package dev.loupe.platform.host;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin as the user sees it: a jar in {@code plugins/} (or {@code bundles/}) and its state.
 *
 * @param id the bundle's symbolic name, or the file name when the jar is not a readable bundle
 * @param version the bundle version, or "" when unknown
 * @param file the jar
 * @param kind hot-deployable plugin or static (engine) bundle
 * @param state what the host made of it
 * @param problem one line saying what is wrong and what to do, or null
 * @param provides the method, backend and metric ids it registers (when running)
 */
public record PluginInfo(String id, String version, Path file, Kind kind, State state, String problem,
        List<String> provides) {

    /** Copies the list. */
    public PluginInfo {
        provides = List.copyOf(provides);
    }

    /** Where a plugin lives and how it is updated. */
    public enum Kind {
        /** A pure-Java bundle in {@code plugins/}: installs, updates and uninstalls while the host runs. */
        PLUGIN,
        /** A bundle with native code in {@code bundles/}: loaded at start; updating it needs a restart. */
        STATIC
    }

    /** What the host made of a jar. */
    public enum State {
        /** Running: its services are available. */
        ACTIVE,
        /** Present but switched off by the user ({@code plugins disable}). */
        DISABLED,
        /** Present but unusable; {@link PluginInfo#problem()} says why. */
        BROKEN,
        /** In the folder, not loaded (no running host, or not picked up yet). */
        PRESENT
    }
}
