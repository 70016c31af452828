package dev.loupe.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
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

    /** The masks and classes belong to the samples in their order: each object is one flat colour. */
    @Test
    void theSamplesBringTheirObjectMasksAndClasses() throws Exception {
        InputBatch batch = InputLoader.load(DemoModel.samples(),
                ModelSidecar.of(DemoModel.model()).orElseThrow().preprocessing(null, null, null, false));
        Tensor masks = Npy.readFloats(DemoModel.masks());
        long[] labels = Npy.readLongs(DemoModel.labels());
        List<String> classes = List.of("circle", "square", "triangle", "cross");
        assertEquals(List.of(8L, 64L, 64L), java.util.Arrays.stream(masks.shape()).boxed().toList());
        for (int i = 0; i < 8; i++) {
            assertTrue(batch.names().get(i).contains(classes.get((int) labels[i])), batch.names().get(i));
            float[] inside = new float[3];
            int count = 0;
            double spread = 0;
            for (int p = 0; p < 64 * 64; p++) {
                if (masks.data()[i * 4096 + p] > 0) {
                    for (int c = 0; c < 3; c++) {
                        float v = batch.display().data()[(i * 3 + c) * 4096 + p];
                        if (count == 0) {
                            inside[c] = v;
                        }
                        spread = Math.max(spread, Math.abs(v - inside[c]));
                    }
                    count++;
                }
            }
            assertTrue(count > 50, "input " + i + " has an object");
            assertTrue(spread < 0.02, "input " + i + ": the mask covers one flat-coloured object, spread " + spread);
        }
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
