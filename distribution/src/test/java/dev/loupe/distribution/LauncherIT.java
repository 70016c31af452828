package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.distribution.Launcher.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: runs the assembled {@code target/loupe/bin/loupe} as a user would. Each test gets
 * an empty {@code --home}, so plugin folders never leak between tests, and the launcher's CDS
 * archive goes to a temporary cache folder instead of the user's.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path DIST = Launcher.DIST;
    private static final Path LOUPE = Launcher.LOUPE;

    @TempDir
    static Path cache;

    @TempDir
    Path home;

    @TempDir
    Path work;


    @Test
    void helpListsTheSubcommands() throws Exception {
        Run r = loupe("--help");
        assertEquals(0, r.code(), r::toString);
        for (String cmd : List.of("methods", "backends", "predict", "explain", "plugins", "shell")) {
            assertTrue(r.out().contains(cmd), () -> cmd + " missing from --help: " + r.out());
        }
        assertClean(r);
    }

    @Test
    void methodsOnAnEmptyHome() throws Exception {
        Run r = loupe("methods");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("No methods installed"), r::toString);
        assertEquals(1, r.out().lines().count(), r::toString);
        assertEquals("", r.err(), "a quiet run prints nothing on stderr");
    }

    @Test
    void verboseLogsGoToStderrNotStdout() throws Exception {
        Run r = loupe("-v", "methods");
        assertEquals(0, r.code(), r::toString);
        assertEquals(1, r.out().lines().count(), () -> "stdout: " + r.out());
        assertTrue(r.err().contains("DEBUG"), "verbose logging reaches stderr");
    }

    @Test
    void pluginsListOnAnEmptyHome() throws Exception {
        Run r = loupe("plugins", "list");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("No plugins in"), r::toString);
        assertClean(r);
    }

    @Test
    void explainHelp() throws Exception {
        Run r = loupe("explain", "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Usage: loupe explain") && r.out().contains("--model"), r::toString);
        assertClean(r);
    }

    @Test
    void unknownSubcommandIsAUsageError() throws Exception {
        Run r = loupe("frobnicate");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.errLines().get(0).startsWith("loupe: ") && r.errLines().get(0).contains("frobnicate"), r::toString);
        // the error line, then at most the hint where to find the usage
        assertTrue(r.errLines().size() <= 2 && (r.errLines().size() == 1 || r.errLines().get(1).contains("--help")),
                r::toString);
        assertClean(r);
    }

    @Test
    void installingAMissingJar() throws Exception {
        Run r = loupe("plugins", "install", "/nonexistent.jar");
        assertEquals(1, r.code(), r::toString);
        assertEquals(List.of("loupe: no such plugin jar: /nonexistent.jar"), r.errLines());
        assertClean(r);
    }

    @Test
    void installingACorruptJar() throws Exception {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        Path jar = Files.write(work.resolve("x.jar"), junk);
        Run r = loupe("plugins", "install", jar.toString());
        assertEquals(1, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("x.jar") && r.err().contains("corrupt"), r::toString);
        assertFalse(Files.exists(home.resolve("plugins/x.jar")), "a corrupt jar is not kept");
        assertClean(r);
    }

    @Test
    void predictWithAMissingModel() throws Exception {
        Run r = loupe("predict", "--model", "missing.onnx", "--input", "x.npy");
        assertNotEquals(0, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("loupe: "), r::toString);
        assertClean(r);
    }

    @Test
    void runsThroughASymlinkAndPassesTheExitCodeOn() throws Exception {
        Path link = Files.createSymbolicLink(work.resolve("loupe"), LOUPE);
        Run ok = run(List.of(link.toString(), "--version"));
        assertEquals(0, ok.code(), ok::toString);
        assertTrue(ok.out().startsWith("Loupe "), ok::toString);
        assertEquals(2, run(List.of(link.toString(), "--no-such-option")).code());
        Files.delete(link); // JUnit would warn about a link leading out of its temporary folder
    }

    @Test
    void installationLayout() {
        for (String p : List.of("bin/loupe", "conf/logback.xml", "conf/loupe.properties", "bundles/README.txt",
                "plugins/README.txt")) {
            assertTrue(Files.isRegularFile(DIST.resolve(p)), p);
        }
        assertTrue(Files.isExecutable(LOUPE));
        for (String jar : List.of("loupe-platform-", "loupe-api-", "org.apache.felix.framework-", "pytorch-engine-")) {
            assertTrue(DIST.resolve("lib").toFile().list((d, n) -> n.startsWith(jar) && n.endsWith(".jar")).length == 1,
                    () -> "lib/ has one " + jar + "*.jar");
        }
    }
    private Run loupe(String... args) throws IOException, InterruptedException {
        return Launcher.loupe(home, work, cache, args);
    }

    private Run run(List<String> cmd) throws IOException, InterruptedException {
        return Launcher.run(cmd, work, cache);
    }

    /** No log lines or JVM messages on stdout, no stack trace anywhere. */
    private static void assertClean(Run r) {
        for (String line : r.out().lines().toList()) {
            assertFalse(line.matches(".*\\b(DEBUG|INFO|WARN|ERROR)\\b.*") || line.startsWith("["), () -> "noise on stdout: " + line);
        }
        for (String line : (r.out() + r.err()).lines().toList()) {
            assertFalse(line.matches("\\s+at .*") || line.startsWith("Caused by"), () -> "stack trace: " + r);
        }
    }
}
