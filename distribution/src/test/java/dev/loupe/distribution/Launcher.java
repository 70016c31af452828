package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the assembled {@code target/loupe/bin/loupe} as a user would, for the end-to-end tests. The
 * launcher's CDS archive and the demo model go to the test's cache folder instead of the user's.
 */
final class Launcher {
    static final Path DIST = Path.of(System.getProperty("loupe.dist", "target/loupe")).toAbsolutePath();
    static final Path LOUPE = DIST.resolve("bin/loupe");

    /** What a run printed and returned. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Launcher() {
    }

    /**
     * Makes {@code home} an installation of the built-in plugins: a link to the static bundles and
     * a copy of the plugins folder (so a test may add or remove plugins). Undo with {@link #unlinkBundles}.
     */
    static void homeWithBuiltInPlugins(Path home) throws IOException {
        Files.createSymbolicLink(home.resolve("bundles"), DIST.resolve("bundles"));
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        try (Stream<Path> jars = Files.list(DIST.resolve("plugins"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
    }

    /** Removes the bundles link {@link #homeWithBuiltInPlugins} made, so cleaning up leaves the installation alone. */
    static void unlinkBundles(Path home) throws IOException {
        Files.deleteIfExists(home.resolve("bundles"));
    }

    /** Runs {@code bin/loupe --home HOME ARGS...} in {@code work}. */
    static Run loupe(Path home, Path work, Path cache, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LOUPE.toString(), "--home", home.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, work, cache);
    }

    /** Runs a command in {@code work}, output into files (not pipes: nothing can block on a full pipe). */
    static Run run(List<String> cmd, Path work, Path cache) throws IOException, InterruptedException {
        File out = work.resolve("stdout.txt").toFile();
        File err = work.resolve("stderr.txt").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out).redirectError(err);
        Map<String, String> env = pb.environment();
        env.put("XDG_CACHE_HOME", cache.toString());
        env.remove("LOUPE_JAVA_OPTS");
        Process p = pb.start();
        if (!p.waitFor(200, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
