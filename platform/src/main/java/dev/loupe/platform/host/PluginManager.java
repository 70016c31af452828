package dev.loupe.platform.host;

import dev.loupe.api.Explainer;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Inspector;
import dev.loupe.api.Metric;
import dev.loupe.api.ModelBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin folder and its life cycle. A plugin is enabled while its file ends in {@code .jar}
 * (FileInstall loads it) and disabled while it ends in {@code .jar.disabled} (FileInstall unloads
 * it), so the state is visible in the folder and survives restarts. Works with a running framework
 * (changes take effect live) or without one (the CLI edits the folder for the next start).
 */
public final class PluginManager {
    private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);
    static final String DISABLED_SUFFIX = ".disabled";

    private final HostConfig config;
    private final HostFramework framework;
    /** Problems already reported, by file and modification time, so each is logged once. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();
    /** Problems seen once by {@link #reportNewProblems}, reported if the next look sees them again. */
    private final Map<String, String> suspected = new ConcurrentHashMap<>();

    /**
     * @param config the folders
     * @param framework the running framework, or null to work on the folders only
     */
    public PluginManager(HostConfig config, HostFramework framework) {
        this.config = config;
        this.framework = framework;
    }

    /** @return every jar in {@code plugins/} and {@code bundles/}, with its state */
    public List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        for (Path f : files(config.pluginDir())) {
            look(f, PluginInfo.Kind.PLUGIN).ifPresent(out::add);
        }
        if (config.bundleDir() != null) {
            for (Path f : files(config.bundleDir())) {
                look(f, PluginInfo.Kind.STATIC).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Installs a plugin jar: copies it into {@code plugins/} (replacing an older version of the same
     * bundle), or into {@code bundles/} for bundles with native code, which load at the next start.
     *
     * @param jar the jar to install
     * @return the installed plugin
     * @throws LoupeException if the jar is corrupt, not a bundle, or (in a running host) cannot start
     */
    public PluginInfo install(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new LoupeException("no such plugin jar: " + jar);
        }
        PluginDiagnosis.JarFacts facts = PluginDiagnosis.inspect(jar);
        if (facts.gone()) {
            throw new LoupeException("no such plugin jar: " + jar);
        }
        if (facts.problem() != null) {
            throw new LoupeException(facts.problem());
        }
        boolean engine = facts.engine();
        Path dir = engine ? config.bundleDir() : config.pluginDir();
        if (dir == null) {
            throw new LoupeException(jar.getFileName() + " carries native code and belongs in bundles/, but this host"
                    + " has no bundle folder; configure one (bundleDir) and restart");
        }
        find(facts.symbolicName()).filter(p -> !p.file().getFileName().equals(jar.getFileName()))
                .ifPresent(old -> delete(old.file()));
        Path target = dir.resolve(jar.getFileName());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + jar.getFileName() + ".part");
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            // an atomic move, so FileInstall never sees a half-copied jar
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LoupeException("cannot copy " + jar + " into " + dir + ": " + e.getMessage(), e);
        }
        if (engine) {
            PluginInfo info = describe(target, PluginInfo.Kind.STATIC);
            LOG.warn("{} carries native code: installed into bundles/; restart the host to load it", facts.symbolicName());
            return info;
        }
        if (framework == null) {
            return describe(target, PluginInfo.Kind.PLUGIN);
        }
        PluginInfo info = awaitSettled(target);
        if (info.state() == PluginInfo.State.BROKEN) {
            delete(target);
            awaitGone(target);
            throw new LoupeException(info.problem() + " (not installed)");
        }
        return info;
    }

    /**
     * Removes a plugin (enabled or disabled) by bundle id or file name.
     *
     * @param id the bundle's symbolic name or the jar's file name
     * @return what was removed
     */
    public PluginInfo uninstall(String id) {
        PluginInfo p = require(id);
        delete(p.file());
        if (p.kind() == PluginInfo.Kind.STATIC) {
            LOG.warn("{} is a static bundle with native code: it stays loaded until the host restarts", p.id());
        } else {
            awaitGone(p.file());
        }
        return p;
    }

    /** Switches a disabled plugin back on. */
    public PluginInfo enable(String id) {
        PluginInfo p = require(id);
        String name = p.file().getFileName().toString();
        if (!name.endsWith(DISABLED_SUFFIX)) {
            return p;
        }
        Path target = p.file().resolveSibling(name.substring(0, name.length() - DISABLED_SUFFIX.length()));
        move(p.file(), target);
        if (framework == null || p.kind() == PluginInfo.Kind.STATIC) {
            return describe(target, p.kind());
        }
        return awaitSettled(target);
    }

    /** Switches a plugin off without removing it; the choice survives restarts. */
    public PluginInfo disable(String id) {
        PluginInfo p = require(id);
        if (p.state() == PluginInfo.State.DISABLED) {
            return p;
        }
        Path target = p.file().resolveSibling(p.file().getFileName() + DISABLED_SUFFIX);
        move(p.file(), target);
        if (framework != null && p.kind() == PluginInfo.Kind.PLUGIN) {
            awaitGone(p.file());
        }
        return describe(target, p.kind());
    }

    /**
     * Waits until every plugin jar present now has been loaded or diagnosed, so a freshly started
     * host lists its methods at once. Problems are logged, one line each.
     */
    public void awaitStartup() {
        for (Path f : files(config.pluginDir())) {
            if (!f.getFileName().toString().endsWith(DISABLED_SUFFIX)) {
                awaitSettled(f);
            }
        }
    }

    /** Logs problems of jars that appeared since the last look; called periodically by the host. */
    public void reportNewProblems() {
        for (Path f : files(config.pluginDir())) {
            String key = f + "@" + lastModified(f);
            if (reported.containsKey(key) || f.getFileName().toString().endsWith(DISABLED_SUFFIX)) {
                continue;
            }
            PluginInfo info = look(f, PluginInfo.Kind.PLUGIN).orElse(null);
            if (info == null || info.state() == PluginInfo.State.PRESENT) {
                continue; // gone, or a readable bundle not picked up yet: look again next time
            }
            // a bundle FileInstall is refreshing can look unresolvable for a moment: a problem is
            // reported once it is seen on two looks in a row
            if (info.problem() != null && !info.problem().equals(suspected.put(key, info.problem()))) {
                continue;
            }
            suspected.remove(key);
            reported.put(key, info.state().name());
            if (info.problem() != null) {
                LOG.error(info.problem());
            }
        }
    }

    private PluginInfo awaitSettled(Path file) {
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        PluginInfo info = describe(file, PluginInfo.Kind.PLUGIN);
        while (System.nanoTime() < deadline) {
            if (info.state() != PluginInfo.State.PRESENT && !awaitingComponents(file, info)) {
                // FileInstall may refresh what it just started on its next scan, and a bundle caught
                // mid-refresh can fail to resolve for a moment: settled means the same state,
                // services and problem after that scan
                long bundleId = bundleAt(file).map(Bundle::getBundleId).orElse(-1L);
                pause(2 * config.pollInterval().toMillis() + 50);
                PluginInfo again = describe(file, PluginInfo.Kind.PLUGIN);
                boolean settled = again.state() == info.state() && again.provides().equals(info.provides())
                        && Objects.equals(again.problem(), info.problem())
                        && bundleAt(file).map(Bundle::getBundleId).orElse(-1L) == bundleId;
                info = again;
                if (settled) {
                    break;
                }
                continue;
            }
            sleep();
            info = describe(file, PluginInfo.Kind.PLUGIN);
        }
        if (info.state() == PluginInfo.State.PRESENT) {
            info = new PluginInfo(info.id(), info.version(), file, info.kind(), PluginInfo.State.BROKEN,
                    "plugin jar " + file.getFileName() + " was not loaded within " + config.startTimeout().toSeconds()
                            + " s; run with -v to see the framework's log", List.of());
        }
        String key = file + "@" + lastModified(file);
        if (info.problem() != null && reported.put(key, info.state().name()) == null) {
            LOG.error(info.problem());
        }
        return info;
    }

    /** Declarative Services registers a started bundle's components a moment later. */
    private boolean awaitingComponents(Path file, PluginInfo info) {
        if (info.state() != PluginInfo.State.ACTIVE || !info.provides().isEmpty()) {
            return false;
        }
        Optional<Bundle> b = bundleAt(file);
        return b.isPresent() && b.get().getHeaders().get("Service-Component") != null
                && b.get().getRegisteredServices() == null;
    }

    private void awaitGone(Path file) {
        if (framework == null) {
            return;
        }
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        while (bundleAt(file).isPresent() && System.nanoTime() < deadline) {
            sleep();
        }
    }

    /** Like {@link #look}, for a file this manager just placed: one removed meanwhile is broken. */
    private PluginInfo describe(Path file, PluginInfo.Kind kind) {
        return look(file, kind).orElseGet(() -> new PluginInfo(file.getFileName().toString(), "", file, kind,
                PluginInfo.State.BROKEN, "plugin jar " + file.getFileName() + " was removed while it was loading",
                List.of()));
    }

    /** @return the jar's state, or empty if it has been renamed or deleted since it was listed */
    private Optional<PluginInfo> look(Path file, PluginInfo.Kind kind) {
        PluginDiagnosis.JarFacts facts = PluginDiagnosis.inspect(file);
        if (facts.gone()) {
            return Optional.empty();
        }
        return Optional.of(describe(file, kind, facts));
    }

    private PluginInfo describe(Path file, PluginInfo.Kind kind, PluginDiagnosis.JarFacts facts) {
        String fileName = file.getFileName().toString();
        String id = facts.symbolicName() != null ? facts.symbolicName() : fileName;
        if (facts.problem() != null) {
            return new PluginInfo(id, "", file, kind, PluginInfo.State.BROKEN, facts.problem(), List.of());
        }
        if (fileName.endsWith(DISABLED_SUFFIX)) {
            return new PluginInfo(id, facts.version(), file, kind, PluginInfo.State.DISABLED, null, List.of());
        }
        Optional<Bundle> bundle = framework == null ? Optional.empty() : bundleAt(file);
        if (bundle.isEmpty()) {
            return new PluginInfo(id, facts.version(), file, kind, PluginInfo.State.PRESENT, null, List.of());
        }
        Bundle b = bundle.get();
        if (b.getState() == Bundle.ACTIVE || (facts.fragment() && b.getState() == Bundle.RESOLVED)) {
            return new PluginInfo(id, b.getVersion().toString(), file, kind, PluginInfo.State.ACTIVE, null, provides(b));
        }
        String problem = b.getState() == Bundle.INSTALLED ? resolutionProblem(b) : null;
        if (problem == null) {
            // resolvable or starting: FileInstall finishes its scan by starting it
            return new PluginInfo(id, facts.version(), file, kind, PluginInfo.State.PRESENT, null, List.of());
        }
        return new PluginInfo(id, facts.version(), file, kind, PluginInfo.State.BROKEN,
                "plugin jar " + fileName + " (" + id + ") cannot start: " + problem, List.of());
    }

    /**
     * Why an installed bundle cannot resolve, or null if it can. Only an unresolvable bundle is
     * started here, to get the framework's reason: starting a good one would race FileInstall.
     */
    private String resolutionProblem(Bundle b) {
        FrameworkWiring wiring = framework.framework().adapt(FrameworkWiring.class);
        if (wiring.resolveBundles(List.of(b))) {
            return null;
        }
        try {
            b.start(Bundle.START_TRANSIENT);
            return null;
        } catch (BundleException e) {
            return PluginDiagnosis.explain(e);
        } catch (IllegalStateException e) {
            return "it was uninstalled";
        }
    }

    private static List<String> provides(Bundle b) {
        ServiceReference<?>[] refs = b.getRegisteredServices();
        if (refs == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (ServiceReference<?> r : refs) {
            for (String key : List.of(Explainer.PROPERTY_ID, ModelBackend.PROPERTY_ID, Metric.PROPERTY_ID,
                    Inspector.PROPERTY_ID)) {
                Object v = r.getProperty(key);
                if (v != null) {
                    ids.add(v.toString());
                }
            }
        }
        return ids;
    }

    /** @return the installed bundle whose location is this file (FileInstall uses the file's URI) */
    Optional<Bundle> bundleAt(Path file) {
        Path target = file.toAbsolutePath().normalize();
        for (Bundle b : framework.context().getBundles()) {
            String loc = b.getLocation();
            if (loc.startsWith("file:")) {
                try {
                    if (Path.of(URI.create(loc)).toAbsolutePath().normalize().equals(target)) {
                        return Optional.of(b);
                    }
                } catch (IllegalArgumentException e) {
                    // not a plain file URI: not one of ours
                }
            }
        }
        return Optional.empty();
    }

    private Optional<PluginInfo> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return list().stream().filter(p -> p.id().equals(id) || p.file().getFileName().toString().equals(id)
                || p.file().getFileName().toString().equals(id + DISABLED_SUFFIX)).findFirst();
    }

    private PluginInfo require(String id) {
        return find(id).orElseThrow(() -> new LoupeException("no plugin " + id + "; installed: "
                + String.join(", ", list().stream().map(PluginInfo::id).toList())
                + " (see loupe plugins list)"));
    }

    private static List<Path> files(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> {
                String n = f.getFileName().toString();
                return !n.startsWith(".") && (n.endsWith(".jar") || n.endsWith(".jar" + DISABLED_SUFFIX));
            }).sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new LoupeException("cannot delete " + f + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LoupeException("cannot rename " + from + " to " + to.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static long lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep() {
        pause(25);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoupeException("interrupted while waiting for the plugin folder");
        }
    }
}
