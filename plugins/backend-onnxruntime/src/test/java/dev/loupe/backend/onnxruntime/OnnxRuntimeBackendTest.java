package dev.loupe.backend.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ONNX Runtime backend on the shapes fixture, outside OSGi. */
class OnnxRuntimeBackendTest {
    private static Path shapes;
    private static Tensor inputs;
    private static Tensor logits;
    private static int[] labels;
    private static ExplainableModel model;

    @BeforeAll
    static void load() throws Exception {
        String shared = System.getProperty("loupe.shared.dir");
        assumeTrue(shared != null, "system property loupe.shared.dir is not set: the shared fixtures are absent,"
                + " ONNX Runtime backend tests skipped");
        shapes = Path.of(shared, "fixtures", "shapes");
        assumeTrue(Files.isRegularFile(shapes.resolve("model.onnx")),
                () -> "fixture " + shapes.resolve("model.onnx") + " is absent: ONNX Runtime backend tests skipped");
        inputs = Npy.readFloats(shapes.resolve("inputs.npy"));
        logits = Npy.readFloats(shapes.resolve("logits.npy"));
        long[] l = Npy.readLongs(shapes.resolve("labels.npy"));
        labels = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            labels[i] = (int) l[i];
        }
        model = new OnnxRuntimeBackend().load(ModelSource.of(shapes.resolve("model.onnx")));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void reproducesTheLogitsAtBatch8() {
        Tensor out = model.predict(inputs);
        assertArrayEquals(logits.shape(), out.shape());
        assertWithin(logits.data(), out.data(), 1e-4, "batch 8");
    }

    @Test
    void reproducesTheLogitsAtBatch1() {
        for (int i = 0; i < inputs.batchSize(); i++) {
            Tensor out = model.predict(inputs.item(i));
            assertArrayEquals(new long[] {1, 4}, out.shape());
            assertWithin(logits.item(i).data(), out.data(), 1e-4, "input " + i + " alone");
        }
    }

    @Test
    void infoFromTheSession() {
        ModelInfo info = model.info();
        assertEquals("model.onnx", info.name());
        assertEquals("input", info.inputs().get(0).name());
        assertArrayEquals(new long[] {-1, 3, 64, 64}, info.inputs().get(0).shape(), "dynamic batch is -1");
        assertEquals("float32", info.inputs().get(0).dataType());
        assertEquals("logits", info.outputs().get(0).name());
        assertArrayEquals(new long[] {-1, 4}, info.outputs().get(0).shape());
        assertEquals("logits", info.scores().tensor());
        assertTrue(info.layers().isEmpty());
        assertEquals(Set.of(Capability.FORWARD), model.capabilities());
        assertEquals(OnnxRuntimeBackend.ID, model.backendId());
    }

    @Test
    void forwardPassOnTheCallersManager() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            int before = m.getManagedArrays().size();
            PassResult r = model.pass(new PassRequest(x, null, List.of(), false, Map.of(), null));
            assertWithin(logits.data(), r.output().toFloatArray(), 1e-4, "pass");
            assertEquals(m, r.output().getManager());
            assertNull(r.objective());
            assertNull(r.inputGradient());
            assertEquals(before + 1, m.getManagedArrays().size(), () -> "left: " + m.getManagedArrays());
            // an objective needs no gradient: its values come from the forward pass
            PassResult scored = model.pass(new PassRequest(x, Objective.logit(labels), List.of(), false, Map.of(), null));
            float[] v = scored.objective().toFloatArray();
            for (int i = 0; i < labels.length; i++) {
                assertEquals(logits.data()[i * 4 + labels[i]], v[i], 1e-4, "objective " + i);
            }
            assertEquals(before + 3, m.getManagedArrays().size(), () -> "left: " + m.getManagedArrays());
            assertWithin(logits.data(), model.forward(x).toFloatArray(), 1e-4, "forward()");
        }
    }

    @Test
    void gradientsAndLayersNameTheMissingCapability() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            LoupeException grad = assertThrows(LoupeException.class,
                    () -> model.pass(PassRequest.inputGradient(x, Objective.logit(labels))));
            assertTrue(grad.getMessage().contains("INPUT_GRADIENT") && grad.getMessage().contains("FORWARD only"),
                    grad.getMessage());
            LoupeException layers = assertThrows(LoupeException.class,
                    () -> model.pass(PassRequest.layers(x, Objective.logit(labels), List.of("/relu3/Relu_output_0"))));
            assertTrue(layers.getMessage().contains("LAYER_ACTIVATION"), layers.getMessage());
        }
    }

    @Test
    void wrongShapeIsAClearError() {
        LoupeException e = assertThrows(LoupeException.class, () -> model.predict(Tensor.zeros(1, 3, 32, 32)));
        assertTrue(e.getMessage().contains("[-1, 3, 64, 64]"), e.getMessage());
    }

    @Test
    void outputOptionSelectsTheExplainedTensor() {
        try (ExplainableModel m = new OnnxRuntimeBackend().load(
                new ModelSource(shapes.resolve("model.onnx"), Map.of("output", "logits", "threads", "1")))) {
            assertWithin(logits.data(), m.predict(inputs).data(), 1e-4, "output=logits, one thread");
        }
        LoupeException e = assertThrows(LoupeException.class, () -> new OnnxRuntimeBackend().load(
                new ModelSource(shapes.resolve("model.onnx"), Map.of("output", "nope"))));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("logits"), e.getMessage());
    }

    @Test
    void nativeLibrariesComeFromTheCache() throws Exception {
        String xdg = System.getenv("XDG_CACHE_HOME");
        assumeTrue(xdg != null, "XDG_CACHE_HOME is not set: the cache folder is the user's, not checked");
        Path dir = Path.of(xdg, "loupe", "onnxruntime", "1.29.0-" + NativeLibraries.platform());
        assertTrue(Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime"))), () -> dir + " holds the library");
        assertTrue(Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime4j_jni"))), () -> dir + " holds the JNI");
        assertNull(System.getProperty(NativeLibraries.PATH_PROPERTY), "the property is set only while ORT loads");
        // a second look finds the libraries in place and copies nothing
        long modified = Files.getLastModifiedTime(dir.resolve(System.mapLibraryName("onnxruntime"))).toMillis();
        Thread.sleep(20);
        assertEquals(dir, NativeLibraries.cached());
        assertEquals(modified, Files.getLastModifiedTime(dir.resolve(System.mapLibraryName("onnxruntime"))).toMillis());
    }

    @Test
    void notAnOnnxFileIsAClearError() throws Exception {
        Path junk = Files.createTempFile("junk", ".onnx");
        try {
            Files.writeString(junk, "not a model");
            LoupeException e = assertThrows(LoupeException.class, () -> new OnnxRuntimeBackend().load(ModelSource.of(junk)));
            assertTrue(e.getMessage().startsWith("ONNX Runtime cannot load " + junk.getFileName()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        } finally {
            Files.delete(junk);
        }
    }

    private static void assertWithin(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxDiff <= tol, what + ": max |a-b| = " + maxDiff + " > " + tol);
    }
}
