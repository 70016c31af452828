package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.distribution.Launcher.Run;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The compute service bundle as the installation ships it: devices, and its limits from conf/. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ComputeIT extends BuiltInPluginsHome {
    @Test
    void devicesShowsTheComputeBundleAndTheCpuWithItsMemory() throws Exception {
        Run r = loupe("devices");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("compute service: DeviceComputeService"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("cpu()") && l.contains("GiB free")), r::toString);
        assertTrue(r.out().contains("settings (conf/loupe.properties): defaults"), r::toString);
    }

    /** The limits in conf/loupe.properties reach the compute bundle, which plans with them. */
    @Test
    void theLimitsInConfReachTheComputeService() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/loupe.properties"), "loupe.compute.maxBatch=3\nother.key=x\n");
        Run r = loupe("-v", "explain", "--method", "gradient", "--out", "out");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("maxBatch=3"), () -> "the compute service logs its settings: " + r.err());
        Run devices = loupe("devices");
        assertTrue(devices.out().contains("loupe.compute.maxBatch=3") && !devices.out().contains("other.key"),
                devices::toString);
    }
}
