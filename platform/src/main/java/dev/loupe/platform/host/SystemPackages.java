package dev.loupe.platform.host;

import dev.loupe.api.LoupeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * The packages the launcher's class loader exports into the framework: Loupe's API and renderer,
 * DJL and SLF4J. They come from the launcher's class path — in an embedding application, from that
 * application's class path — so every bundle sees the same classes as the host: one DJL, one
 * copy of the native libraries, one logging backend.
 */
final class SystemPackages {
    private static final String DJL_RANGE_FLOOR = "0.35";

    private SystemPackages() {
    }

    /** @return the value for {@code org.osgi.framework.system.packages.extra} */
    static String exports() {
        String djlVersion = djlVersion();
        Set<String> exports = new TreeSet<>();
        exports.add(loupeExports(dev.loupe.api.Explainer.class, "API", "loupe-api"));
        // plugins that draw (feature maps, filters) use the host's renderer
        exports.add(loupeExports(dev.loupe.render.HeatmapRenderer.class, "renderer", "loupe-render"));
        packagesOf(ai.djl.engine.Engine.class).forEach(p -> exports.add(p + ";version=" + djlVersion));
        packagesOf(ai.djl.pytorch.engine.PtEngine.class).forEach(p -> exports.add(p + ";version=" + djlVersion));
        String slf4j = osgiVersion(org.slf4j.Logger.class, "2.0.0");
        packagesOf(org.slf4j.Logger.class).forEach(p -> exports.add(p + ";version=" + slf4j));
        return String.join(",", exports);
    }

    /** @return DJL's version, after checking it is the 0.35 line the plugins are built against */
    static String djlVersion() {
        String version = DjlSupport.version();
        if (version == null || !version.startsWith(DJL_RANGE_FLOOR + ".")) {
            throw new LoupeException("Loupe needs DJL " + DJL_RANGE_FLOOR + ".x on the class path, found "
                    + (version == null ? "an unknown version" : version)
                    + "; align the application's ai.djl dependencies with version " + DJL_RANGE_FLOOR + ".0");
        }
        return osgiVersion(version);
    }

    /** @return the Export-Package header of the Loupe jar that holds {@code anchor} */
    private static String loupeExports(Class<?> anchor, String what, String artifact) {
        Path jar = codeSource(anchor);
        try {
            Manifest mf = readManifest(jar);
            String exports = mf == null ? null : mf.getMainAttributes().getValue("Export-Package");
            if (exports == null) {
                throw new LoupeException("the Loupe " + what + " on the class path (" + jar + ") has no OSGi manifest;"
                        + " use the " + artifact + " jar built by Maven");
            }
            return exports;
        } catch (IOException e) {
            throw new LoupeException("cannot read the Loupe " + what + " manifest from " + jar + ": " + e.getMessage(),
                    e);
        }
    }

    private static Manifest readManifest(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            Path mf = location.resolve("META-INF/MANIFEST.MF");
            if (!Files.exists(mf)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(mf)) {
                return new Manifest(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            return jar.getManifest();
        }
    }

    /** Lists the packages (directories holding classes) of the jar or folder that holds {@code anchor}. */
    static Set<String> packagesOf(Class<?> anchor) {
        Path location = codeSource(anchor);
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    return files.filter(f -> f.toString().endsWith(".class"))
                            .map(f -> location.relativize(f.getParent()).toString().replace('/', '.'))
                            .filter(p -> !p.isEmpty() && !p.startsWith("META-INF"))
                            .collect(Collectors.toCollection(TreeSet::new));
                }
            }
            Set<String> packages = new TreeSet<>();
            try (JarFile jar = new JarFile(location.toFile())) {
                Enumeration<? extends ZipEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    int slash = name.lastIndexOf('/');
                    if (name.endsWith(".class") && slash > 0 && !name.startsWith("META-INF")) {
                        packages.add(name.substring(0, slash).replace('/', '.'));
                    }
                }
            }
            return packages;
        } catch (IOException e) {
            throw new LoupeException("cannot list the packages of " + location + ": " + e.getMessage(), e);
        }
    }

    private static Path codeSource(Class<?> anchor) {
        try {
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new LoupeException("cannot locate the jar of " + anchor.getName() + " on the class path", e);
        }
    }

    private static String osgiVersion(Class<?> anchor, String fallback) {
        String v = anchor.getPackage().getImplementationVersion();
        return v == null ? fallback : osgiVersion(v);
    }

    /** Maven versions such as 2.0.17 or 0.35.0-SNAPSHOT become OSGi major.minor.micro. */
    static String osgiVersion(String mavenVersion) {
        String[] parts = mavenVersion.split("[.-]");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            String part = i < parts.length && parts[i].matches("\\d+") ? parts[i] : "0";
            out.append(i == 0 ? "" : ".").append(part);
        }
        return out.toString();
    }
}
