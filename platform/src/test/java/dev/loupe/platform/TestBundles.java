package dev.loupe.platform;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Builds real plugin bundles from test classes with bnd, as bnd-maven-plugin would: manifest and
 * Declarative Services descriptors generated from the classes.
 */
final class TestBundles {
    private TestBundles() {
    }

    /**
     * @param dir where to write the jar
     * @param bsn the bundle symbolic name (also the file name)
     * @param pkg the test package to put in the bundle
     * @param headers further manifest instructions (e.g. Import-Package)
     * @return the jar
     */
    static Path build(Path dir, String bsn, String pkg, Map<String, String> headers) throws Exception {
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", bsn);
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("Private-Package", pkg);
            b.setProperty("Import-Package", "ai.djl.*;version=\"[0.35,0.36)\",*");
            headers.forEach(b::setProperty);
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                File f = new File(entry);
                // the analysis needs the API and DJL classes; the huge native jars are irrelevant
                if (f.isDirectory() || (f.isFile() && f.length() < 50_000_000L)) {
                    b.addClasspath(f);
                }
            }
            Jar jar = b.build();
            if (!b.getErrors().isEmpty()) {
                throw new IllegalStateException("bnd errors: " + b.getErrors());
            }
            Files.createDirectories(dir);
            Path out = dir.resolve(bsn + ".jar");
            jar.write(out.toFile());
            return out;
        }
    }

    static Path gradientMethod(Path dir) throws Exception {
        return build(dir, "test.method.gradient", "dev.loupe.platform.testplugins.gradient", Map.of());
    }

    static Path linearBackend(Path dir) throws Exception {
        return build(dir, "test.backend.linear", "dev.loupe.platform.testplugins.linear", Map.of());
    }

    static Path unresolvable(Path dir) throws Exception {
        return build(dir, "test.unresolvable", "dev.loupe.platform.testplugins.broken",
                Map.of("Import-Package", "org.nonexistent.pkg;version=\"[1.0,2)\",*"));
    }

    static Path corrupt(Path dir) throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Files.createDirectories(dir);
        Path out = dir.resolve("test.corrupt.jar");
        Files.write(out, junk);
        return out;
    }
}
