package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.distribution.Launcher.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the end-to-end tests of the shipped methods share: each test gets a fresh {@code --home}
 * with the installation's bundles linked and its plugins copied, a work folder, and a CDS cache
 * kept for the test class.
 */
abstract class BuiltInPluginsHome {
    @TempDir
    static Path cache;

    @TempDir
    Path home;

    @TempDir
    Path work;

    @BeforeEach
    void install() throws IOException {
        Launcher.homeWithBuiltInPlugins(home);
    }

    @AfterEach
    void uninstall() throws IOException {
        Launcher.unlinkBundles(home);
    }

    /** Runs {@code bin/loupe --home HOME ARGS...} in the work folder. */
    Run loupe(String... args) throws IOException, InterruptedException {
        return Launcher.loupe(home, work, cache, args);
    }

    /** @return {@code loupe methods}, checked to list every one of {@code ids} */
    Run assertListed(List<String> ids) throws IOException, InterruptedException {
        Run r = loupe("methods");
        assertEquals(0, r.code(), r::toString);
        for (String id : ids) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(id + " ")), () -> id + " not listed: " + r.out());
        }
        return r;
    }
}
