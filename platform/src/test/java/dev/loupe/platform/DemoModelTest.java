package dev.loupe.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.InputLoader;
import dev.loupe.platform.io.ModelSidecar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in demo model unpacks with its sidecar and samples; sidecars give labels and preprocessing. */
class DemoModelTest {

    @Test
    void theDemoUnpacksWithItsSidecarAndSampleImages() throws Exception {
        Path model = DemoModel.model();
        assertTrue(Files.size(model) > 10_000, "the shapes model");
        assertTrue(DemoModel.isDemo(model));
        ModelSidecar sidecar = ModelSidecar.of(model).orElseThrow();
        assertEquals(List.of("circle", "square", "triangle", "cross"), sidecar.labels());

        InputBatch batch = InputLoader.load(DemoModel.samples(), sidecar.preprocessing(null, null, null, false));
        assertEquals(8, batch.names().size());
        assertEquals(List.of(8L, 3L, 64L, 64L), java.util.Arrays.stream(batch.inputs().shape()).boxed().toList());
        float min = Float.MAX_VALUE;
        for (float v : batch.inputs().data()) {
            min = Math.min(min, v);
        }
        assertEquals(-1.6f, min, 0.05f, "(0 - 0.4) / 0.25: the sidecar's normalisation is applied");
    }

    @Test
    void flagsOverrideTheSidecarAndABrokenSidecarIsNamed(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("net.onnx");
        Files.writeString(dir.resolve("net.loupe.json"), "{\"labels\":[\"a\",\"b\"],\"mean\":\"0.5\",\"std\":\"0.5\"}");
        ModelSidecar sidecar = ModelSidecar.of(model).orElseThrow();
        assertEquals(0.5f, sidecar.preprocessing(null, null, null, false).mean()[0]);
        assertEquals(0.1f, sidecar.preprocessing(null, "0.1", null, false).mean()[0]);

        Files.writeString(dir.resolve("net.loupe.json"), "{labels: oops");
        LoupeException e = assertThrows(LoupeException.class, () -> ModelSidecar.of(model));
        assertTrue(e.getMessage().contains("net.loupe.json"), e.getMessage());
    }
}
