package dev.loupe.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's worked example: plugins/example-method is built by its own Maven run, outside the
 * reactor, exactly as a third party would, and installed into a running host. Needs loupe-api in
 * the local repository, which the README's test command ({@code mvn install}) puts there first.
 */
@Timeout(300)
class ExamplePluginTest {
    @TempDir
    Path home;

    @Test
    void externallyBuiltMethodPluginInstallsAndExplains() throws Exception {
        Path root = Path.of(System.getProperty("loupe.root.dir", "..")).toAbsolutePath().normalize();
        Path example = root.resolve("plugins/example-method");
        assertTrue(Files.isRegularFile(example.resolve("pom.xml")), "example plugin missing at " + example);
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "package", "-f", example.resolve("pom.xml").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("mvn.log").toFile()).start();
        assertTrue(mvn.waitFor(240, TimeUnit.SECONDS), "the example's build timed out");
        assertEquals(0, mvn.exitValue(), "the example's build failed (is loupe-api installed? run mvn install):\n"
                + Files.readString(home.resolve("mvn.log")));
        Path jar = example.resolve("target/gradient-sign-1.0.0.jar");

        Files.createDirectories(home.resolve("plugins"));
        TestBundles.linearBackend(home.resolve("plugins"));
        try (LoupeHost host = LoupeHost.builder().home(home).pollInterval(Duration.ofMillis(100)).start()) {
            host.install(jar);
            assertTrue(host.method("gradient-sign").isPresent());
            Path model = home.resolve("w.linear.npy");
            Npy.write(model, new Tensor(new float[] {0.5f, -2, 0, 3, -1, 1, 1, -1}, new long[] {2, 4}));
            try (ExplainableModel m = host.loadModel(model)) {
                Attribution a = host.explain(m, new Tensor(new float[] {1, 1, 1, 1}, new long[] {1, 4}),
                        ExplainOptions.of("gradient-sign").withTarget(Target.of(0))
                                .withParameters(Map.of("epsilon", "0.1")));
                assertArrayEquals(new float[] {0.1f, -0.1f, 0, 0.1f}, a.map().data(), 1e-7f);
            }
        }
    }
}
