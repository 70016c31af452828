package dev.loupe.backend.torchscript;

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
import dev.loupe.api.BackwardRules;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TorchScript backend on the shapes fixture, outside OSGi, on the real PyTorch engine. */
class TorchScriptBackendTest {
    private static Path shapes;
    private static Tensor inputs;
    private static Tensor logits;
    private static int[] labels;
    private static ExplainableModel model;

    @BeforeAll
    static void load() throws Exception {
        String shared = System.getProperty("loupe.shared.dir");
        assumeTrue(shared != null, "system property loupe.shared.dir is not set: the shared fixtures are absent,"
                + " TorchScript backend tests skipped");
        shapes = Path.of(shared, "fixtures", "shapes");
        assumeTrue(Files.isRegularFile(shapes.resolve("model.torchscript.pt")),
                () -> "fixture " + shapes.resolve("model.torchscript.pt") + " is absent: TorchScript backend tests skipped");
        inputs = Npy.readFloats(shapes.resolve("inputs.npy"));
        logits = Npy.readFloats(shapes.resolve("logits.npy"));
        long[] l = Npy.readLongs(shapes.resolve("labels.npy"));
        labels = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            labels[i] = (int) l[i];
        }
        model = new TorchScriptBackend().load(
                new ModelSource(shapes.resolve("model.torchscript.pt"), Map.of("input-shape", "1,3,64,64")));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void reproducesTheLogits() {
        Tensor out = model.predict(inputs);
        assertArrayEquals(logits.shape(), out.shape());
        assertWithin(logits.data(), out.data(), 1e-4, "logits");
    }

    @Test
    void infoFromTheInputShapeOption() {
        ModelInfo info = model.info();
        assertEquals("model.torchscript.pt", info.name());
        assertArrayEquals(new long[] {-1, 3, 64, 64}, info.inputs().get(0).shape());
        assertEquals(1, info.outputs().size());
        assertArrayEquals(new long[] {-1, 4}, info.outputs().get(0).shape());
        assertEquals("output", info.scores().tensor());
        assertEquals(TorchScriptBackend.ID, model.backendId());
        assertEquals(TorchScriptModel.CAPABILITIES, model.capabilities());
    }

    @Test
    void inputGradientOfTheTrueClassMatchesTheReference() throws Exception {
        Tensor reference = Npy.readFloats(shapes.resolve("refs/gradient.npy"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            PassResult r = model.pass(PassRequest.inputGradient(x, Objective.logit(labels)));
            assertEquals(m, r.inputGradient().getManager(), "results belong to the input's manager");
            assertArrayEquals(inputs.shape(), r.inputGradient().getShape().getShape());
            assertManifestRule(reference.data(), r.inputGradient().toFloatArray(), "gradient");
            assertWithin(logits.data(), r.output().toFloatArray(), 1e-4, "outputs of a gradient pass");
            float[] objective = r.objective().toFloatArray();
            for (int i = 0; i < labels.length; i++) {
                assertEquals(logits.data()[i * 4 + labels[i]], objective[i], 1e-4, "objective of input " + i);
            }
            assertFalse(x.hasGradient(), "the caller's array is left alone");
        }
    }

    @Test
    void gradientPassAfterForwardPassesOnAFreshModel() throws Exception {
        // forward passes run without autograd; they must leave nothing a later backward pass trips over
        Tensor reference = Npy.readFloats(shapes.resolve("refs/gradient.npy"));
        try (ExplainableModel fresh = new TorchScriptBackend().load(ModelSource.of(shapes.resolve("model.torchscript.pt")));
                NDManager m = NDManager.newBaseManager(Device.cpu(), fresh.engineName())) {
            for (int i = 0; i < 3; i++) {
                assertWithin(logits.data(), fresh.predict(inputs).data(), 1e-4, "prediction " + i);
            }
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            for (int i = 0; i < 3; i++) {
                PassResult r = fresh.pass(PassRequest.inputGradient(x, Objective.logit(labels)));
                assertManifestRule(reference.data(), r.inputGradient().toFloatArray(), "gradient " + i);
                assertWithin(logits.data(), fresh.predict(inputs).data(), 1e-4, "prediction after gradient " + i);
            }
        }
    }

    @Test
    void repeatedGradientPassesDoNotAccumulate() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            float[] first = model.pass(PassRequest.inputGradient(x, Objective.logit(labels))).inputGradient().toFloatArray();
            float[] second = model.pass(PassRequest.inputGradient(x, Objective.logit(labels))).inputGradient().toFloatArray();
            assertArrayEquals(first, second);
        }
    }

    @Test
    void concurrentGradientPassesAreSerialised() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
                        NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
                        return model.pass(PassRequest.inputGradient(x, Objective.logit(labels))).inputGradient()
                                .toFloatArray();
                    }
                }));
            }
            float[] first = results.get(0).get();
            for (Future<float[]> f : results) {
                assertArrayEquals(first, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void forwardOnlyPass() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            PassResult r = model.pass(new PassRequest(x, null, List.of(), false, Map.of(), null));
            assertNull(r.objective());
            assertNull(r.inputGradient());
            assertWithin(logits.data(), r.output().toFloatArray(), 1e-4, "forward");
            assertEquals(m, r.output().getManager());
            assertWithin(logits.data(), model.forward(x).toFloatArray(), 1e-4, "forward()");
            // an objective without a gradient: its values, no autograd
            PassResult scored = model.pass(new PassRequest(x, Objective.logit(labels), List.of(), false, Map.of(), null));
            assertNull(scored.inputGradient());
            assertEquals(labels.length, scored.objective().getShape().get(0));
        }
    }

    @Test
    void passesFreeTheirTemporaries() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            model.pass(PassRequest.inputGradient(x, Objective.logit(labels)));
            int before = m.getManagedArrays().size();
            model.pass(PassRequest.inputGradient(x, Objective.logit(labels)));
            // output, objective and gradient are what a gradient pass leaves on the caller's manager
            assertEquals(before + 3, m.getManagedArrays().size(), () -> "arrays left: " + m.getManagedArrays());
            model.pass(new PassRequest(x, null, List.of(), false, Map.of(), null));
            assertEquals(before + 4, m.getManagedArrays().size(), () -> "arrays left: " + m.getManagedArrays());
        }
    }

    @Test
    void layerRequestsNameTheMissingCapability() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), model.engineName())) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            LoupeException layers = assertThrows(LoupeException.class,
                    () -> model.pass(PassRequest.layers(x, Objective.logit(labels), List.of("relu3"))));
            assertTrue(layers.getMessage().contains(
                    "the torchscript backend offers FORWARD and INPUT_GRADIENT; use the onnx backend for layer methods"),
                    layers.getMessage());
            assertTrue(layers.getMessage().contains("LAYER_ACTIVATION"), layers.getMessage());
            LoupeException replaced = assertThrows(LoupeException.class,
                    () -> model.pass(PassRequest.inputGradient(x, Objective.logit(labels)).withReplacements(Map.of("a", x))));
            assertTrue(replaced.getMessage().contains("LAYER_ACTIVATION"), replaced.getMessage());
            LoupeException rules = assertThrows(LoupeException.class,
                    () -> model.pass(PassRequest.inputGradient(x, Objective.logit(labels))
                            .withRules(BackwardRules.byOpType(Map.of()))));
            assertTrue(rules.getMessage().contains("BACKWARD_RULES"), rules.getMessage());
        }
    }

    @Test
    void wrongInputShapeIsAClearError() {
        LoupeException e = assertThrows(LoupeException.class, () -> model.predict(Tensor.zeros(2, 3, 32, 32)));
        assertTrue(e.getMessage().contains("[-1, 3, 64, 64]"), e.getMessage());
    }

    @Test
    void withoutInputShapeTheShapesAreLearnedFromTheFirstPass() {
        try (ExplainableModel m = new TorchScriptBackend().load(ModelSource.of(shapes.resolve("model.torchscript.pt")))) {
            assertArrayEquals(new long[] {-1}, m.info().inputs().get(0).shape());
            Tensor out = m.predict(inputs.item(0));
            assertArrayEquals(new long[] {1, 4}, out.shape());
            assertArrayEquals(new long[] {-1, 3, 64, 64}, m.info().inputs().get(0).shape());
            assertArrayEquals(new long[] {-1, 4}, m.info().outputs().get(0).shape());
        }
    }

    @Test
    void canLoadByExtension() {
        TorchScriptBackend b = new TorchScriptBackend();
        assertTrue(b.canLoad(ModelSource.of(Path.of("m.pt"))));
        assertTrue(b.canLoad(ModelSource.of(Path.of("m.torchscript"))));
        assertFalse(b.canLoad(ModelSource.of(Path.of("m.onnx"))));
        assertTrue(b.capabilities().contains(Capability.INPUT_GRADIENT));
    }

    @Test
    void notTorchScriptIsAClearError() throws Exception {
        Path junk = Files.createTempFile("not-a-module", ".pt");
        try {
            Files.writeString(junk, "not a TorchScript archive");
            LoupeException e = assertThrows(LoupeException.class, () -> new TorchScriptBackend().load(ModelSource.of(junk)));
            assertTrue(e.getMessage().startsWith("cannot load " + junk.getFileName()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        } finally {
            Files.delete(junk);
        }
    }

    /** max|a − b| ≤ tol. */
    static void assertWithin(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxDiff <= tol, what + ": max |a-b| = " + maxDiff + " > " + tol);
    }

    /** The fixture manifest's rule for pure gradients: max|a − b| ≤ 1e-4 · max|b| + 1e-6. */
    static void assertManifestRule(float[] expected, float[] actual, String what) {
        double maxRef = 0;
        for (float v : expected) {
            maxRef = Math.max(maxRef, Math.abs(v));
        }
        assertWithin(expected, actual, 1e-4 * maxRef + 1e-6, what);
    }
}
