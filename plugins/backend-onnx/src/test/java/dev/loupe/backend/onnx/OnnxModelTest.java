package dev.loupe.backend.onnx;

import static dev.loupe.backend.onnx.Fixtures.assertClose;
import static dev.loupe.backend.onnx.Fixtures.load;
import static dev.loupe.backend.onnx.Fixtures.npy;
import static dev.loupe.backend.onnx.Fixtures.resource;
import static dev.loupe.backend.onnx.Fixtures.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.DeviceInfo;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Forward, gradients, layers and parameters of ONNX models against PyTorch references. */
class OnnxModelTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray nd(Tensor t) {
        return manager.create(t.data(), new Shape(t.shape()));
    }

    private static Tensor tensor(NDArray a) {
        return new Tensor(a.toFloatArray(), a.getShape().getShape());
    }

    private static int[] fill(int n, int c) {
        int[] t = new int[n];
        Arrays.fill(t, c);
        return t;
    }

    @Test
    void shapesModelsReproduceTheirLogitsAtAnyBatchSize() {
        Tensor inputs = npy(shared("fixtures/shapes/inputs.npy"));
        Tensor logits = npy(shared("fixtures/shapes/logits.npy"));
        for (String file : List.of("model.onnx", "model_bn.onnx")) {
            try (ExplainableModel m = load(shared("fixtures/shapes/" + file))) {
                assertClose(logits, m.predict(inputs), 1e-4, file + " batch 8");
                assertClose(logits.item(3), m.predict(inputs.item(3)), 1e-4, file + " batch 1");
            }
        }
    }

    @Test
    void inputGradientMatchesTheCaptumReference() throws IOException {
        Tensor inputs = npy(shared("fixtures/shapes/inputs.npy"));
        long[] labels = Npy.readLongs(shared("fixtures/shapes/labels.npy"));
        int[] targets = Arrays.stream(labels).mapToInt(l -> (int) l).toArray();
        try (ExplainableModel m = load(shared("fixtures/shapes/model.onnx"))) {
            PassResult r = m.pass(PassRequest.inputGradient(nd(inputs), Objective.logit(targets)));
            assertClose(npy(shared("fixtures/shapes/refs/gradient.npy")), tensor(r.inputGradient()), 1e-4, "gradient");
        }
    }

    @Test
    void smallNetworksMatchPyTorchScoresAndGradients() {
        for (String name : List.of("tiny_cnn", "tiny_residual")) {
            Tensor x = npy(resource(name + "_input.npy"));
            try (ExplainableModel m = load(resource(name + ".onnx"))) {
                assertClose(npy(resource(name + "_logits.npy")), m.predict(x), 1e-4, name + " logits");
                PassResult r = m.pass(PassRequest.inputGradient(nd(x), Objective.logit(fill(x.batchSize(), 1))));
                assertClose(npy(resource(name + "_grad_class1.npy")), tensor(r.inputGradient()), 1e-4, name + " grad");
            }
        }
    }

    /** A channel's objective is its sum; a neuron's is its value, and its gradient flows from that one element. */
    @Test
    void channelAndNeuronObjectivesReadTheLayer() {
        Tensor x = npy(resource("tiny_cnn_input.npy"));
        try (OnnxModel m = (OnnxModel) load(resource("tiny_cnn.onnx"))) {
            String layer = m.resolveLayer("auto");
            int n = x.batchSize();
            PassResult plain = m.pass(new PassRequest(nd(x), null, List.of(layer), false, Map.of(), null));
            float[] a = plain.activations().get(layer).toFloatArray();
            long[] shape = plain.activations().get(layer).getShape().getShape();
            int positions = (int) (a.length / n / shape[1]);
            int[] channels = fill(n, 1);
            PassResult sum = m.pass(PassRequest.inputGradient(nd(x), Objective.channel(layer, channels)));
            int[] where = new int[n];
            java.util.Arrays.setAll(where, i -> (3 * i + 2) % positions);
            PassResult one = m.pass(PassRequest.inputGradient(nd(x), Objective.neuron(layer, channels, where)));
            for (int i = 0; i < n; i++) {
                double total = 0;
                for (int p = 0; p < positions; p++) {
                    total += a[(int) ((i * shape[1] + 1) * positions + p)];
                }
                assertEquals(total, sum.objective().toFloatArray()[i], 1e-4 * Math.max(1, Math.abs(total)));
                assertEquals(a[(int) ((i * shape[1] + 1) * positions + where[i])], one.objective().toFloatArray()[i],
                        1e-6);
            }
            assertThrows(LoupeException.class, () -> m.pass(PassRequest.inputGradient(nd(x),
                    Objective.neuron(layer, channels, fill(n, positions)))));
        }
    }

    /**
     * The copy the compute service asks for on another device is the same graph compiled on that
     * device's manager; without a GPU the path is checked with a copy on a second CPU manager.
     */
    @Test
    void aCopyOnAnotherDeviceComputesTheSame() {
        Tensor x = npy(resource("tiny_residual_input.npy"));
        try (OnnxModel m = (OnnxModel) load(resource("tiny_residual.onnx"))) {
            assertEquals(m, m.onDevice(new DeviceInfo("cpu()", DeviceInfo.Kind.CPU, "cpu", -1, -1)));
            try (OnnxModel copy = m.copyOn(Device.cpu())) {
                assertEquals(m.info(), copy.info());
                String layer = m.resolveLayer("auto");
                PassRequest request = new PassRequest(nd(x), Objective.logit(fill(x.batchSize(), 1)), List.of(layer),
                        true, Map.of(), null);
                PassResult a = m.pass(request);
                try (NDManager own = copy.newManager()) {
                    PassResult b = copy.pass(new PassRequest(own.create(x.data(), new Shape(x.shape())),
                            request.objective(), request.captureLayers(), true, Map.of(), null));
                    assertClose(tensor(a.inputGradient()), tensor(b.inputGradient()), 0, "input gradient");
                    assertClose(tensor(a.activations().get(layer)), tensor(b.activations().get(layer)), 0, layer);
                }
            }
        }
    }

    @Test
    void aModelEndingInSoftmaxIsExplainedOnItsLogitsUnlessAskedOtherwise() {
        Tensor x = npy(resource("tiny_residual_input.npy"));
        try (ExplainableModel m = load(resource("tiny_residual.onnx"))) {
            assertTrue(m.info().scores().note().contains("pre-softmax"), m.info().scores().note());
            PassResult p = m.pass(PassRequest.inputGradient(nd(x), Objective.probability(1, 1)));
            NDArray prob = p.output().softmax(1);
            assertClose(new float[] {prob.getFloat(0, 1), prob.getFloat(1, 1)}, p.objective().toFloatArray(), 1e-6,
                    "probability objective");
        }
        try (ExplainableModel m = load(resource("tiny_residual.onnx"), Map.of("output", "prob"))) {
            float[] prob = m.predict(x).data();
            assertEquals(1.0, prob[0] + prob[1] + prob[2], 1e-5);
        }
    }

    @Test
    void gradientsAgreeWithCentralFiniteDifferences() {
        Tensor x = npy(resource("tiny_cnn_input.npy")).item(0);
        try (ExplainableModel m = load(resource("tiny_cnn.onnx"))) {
            String layer = ((OnnxModel) m).resolveLayer("auto");
            PassResult r = m.pass(new PassRequest(nd(x), Objective.logit(2), List.of(layer), true, Map.of(), null));
            float[] grad = r.inputGradient().toFloatArray();
            for (int i = 0; i < grad.length; i += 17) {
                assertEquals(finiteDifference(m, x, i, 2), grad[i], 2e-3 + 1e-2 * Math.abs(grad[i]), "d/dx[" + i + "]");
            }
            Tensor activation = tensor(r.activations().get(layer));
            float[] layerGrad = r.layerGradients().get(layer).toFloatArray();
            for (int i = 0; i < layerGrad.length; i += 5) {
                float[] plus = activation.data().clone();
                float[] minus = activation.data().clone();
                plus[i] += 1e-2f;
                minus[i] -= 1e-2f;
                double fd = (score(m, x, layer, plus, activation.shape()) - score(m, x, layer, minus, activation.shape()))
                        / 2e-2;
                assertEquals(fd, layerGrad[i], 2e-3 + 1e-2 * Math.abs(fd), "d/dlayer[" + i + "]");
            }
        }
    }

    private double finiteDifference(ExplainableModel m, Tensor x, int i, int target) {
        float[] plus = x.data().clone();
        float[] minus = x.data().clone();
        plus[i] += 1e-2f;
        minus[i] -= 1e-2f;
        return (m.predict(new Tensor(plus, x.shape())).data()[target]
                - m.predict(new Tensor(minus, x.shape())).data()[target]) / 2e-2;
    }

    /** Class-2 score with {@code layer}'s value replaced. */
    private double score(ExplainableModel m, Tensor x, String layer, float[] value, long[] shape) {
        NDArray replacement = manager.create(value, new Shape(shape));
        PassResult r = m.pass(new PassRequest(nd(x), null, List.of(), false, Map.of(layer, replacement), null));
        return r.output().getFloat(0, 2);
    }

    @Test
    void replacingTheLastFeatureMapWithZerosLeavesOnlyTheClassifierBias() {
        Tensor x = npy(resource("tiny_cnn_input.npy"));
        try (ExplainableModel m = load(resource("tiny_cnn.onnx"))) {
            String layer = ((OnnxModel) m).resolveLayer("auto");
            long[] shape = m.info().layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElseThrow()
                    .shape().clone();
            shape[0] = x.batchSize();
            NDArray zeros = manager.zeros(new Shape(shape));
            PassResult r = m.pass(new PassRequest(nd(x), null, List.of(layer), false, Map.of(layer, zeros), null));
            float[] bias = m.parameters().get("fc.bias").data();
            assertClose(new Tensor(concat(bias, bias), new long[] {2, 3}), tensor(r.output()), 1e-6, "bias only");
            assertEquals(0f, r.activations().get(layer).abs().sum().getFloat(), "the captured value is the replacement");
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void layersAreAddressedByValueNodeOrAutoAndUnknownNamesListThem() {
        try (ExplainableModel m = load(shared("fixtures/shapes/model.onnx"))) {
            OnnxModel onnx = (OnnxModel) m;
            assertEquals("/relu3/Relu_output_0", onnx.resolveLayer("auto"));
            assertEquals("/relu3/Relu_output_0", onnx.resolveLayer("/relu3/Relu"));
            var relu3 = m.info().layers().stream().filter(l -> l.name().equals("/relu3/Relu_output_0")).findFirst()
                    .orElseThrow();
            assertEquals("Relu", relu3.opType());
            assertEquals(List.of(-1L, 64L, 16L, 16L), Arrays.stream(relu3.shape()).boxed().toList());
            assertEquals(List.of("/conv3/Conv_output_0"), relu3.inputs(), "the graph's edges, parameters left out");
            assertEquals(List.of("/Flatten_output_0"), m.info().layers().stream()
                    .filter(l -> l.opType().equals("Gemm")).findFirst().orElseThrow().inputs());
            LoupeException e = assertThrows(LoupeException.class, () -> onnx.resolveLayer("relu9"));
            assertTrue(e.getMessage().contains("unknown layer 'relu9'") && e.getMessage().contains("/relu3/Relu_output_0"),
                    e.getMessage());
        }
    }

    /**
     * The shapes network keeps, per input: conv1 and relu1 16×64×64 each, pool1 16×32×32, conv2
     * and relu2 32×32×32, pool2 32×16×16, conv3 and relu3 64×16×16, the pooled 64, flattened 64
     * and 4 logits: 254 084 floats; a backward pass as many again for their gradients.
     */
    @Test
    void memoryPerEvaluationCountsTheLayersValues() {
        try (ExplainableModel m = load(shared("fixtures/shapes/model.onnx"))) {
            assertEquals(254_084L * 4, m.bytesPerEvaluation(false));
            assertEquals(2 * 254_084L * 4, m.bytesPerEvaluation(true));
        }
    }

    @Test
    void aRandomizedCopyChangesOnlyTheCopy() {
        Tensor x = npy(resource("tiny_cnn_input.npy"));
        try (ExplainableModel m = load(resource("tiny_cnn.onnx"))) {
            float[] before = m.predict(x).data();
            Map<String, Tensor> params = m.parameters();
            assertTrue(params.containsKey("conv1.weight") && params.containsKey("fc.weight"), params.keySet().toString());
            try (ExplainableModel copy = m.withRandomizedLayers(List.of("/fc/Gemm"), 42);
                    ExplainableModel again = m.withRandomizedLayers(List.of("/fc/Gemm"), 42)) {
                float[] w = copy.parameters().get("fc.weight").data();
                double bound = 1 / Math.sqrt(6);
                assertTrue(Arrays.stream(toDoubles(w)).allMatch(v -> Math.abs(v) <= bound), "uniform in ±1/√fan-in");
                assertNotEquals(Arrays.toString(before), Arrays.toString(copy.predict(x).data()));
                assertEquals(Arrays.toString(copy.predict(x).data()), Arrays.toString(again.predict(x).data()), "seeded");
                assertEquals(Arrays.toString(params.get("conv1.weight").data()),
                        Arrays.toString(copy.parameters().get("conv1.weight").data()), "other layers kept");
            }
            assertEquals(Arrays.toString(before), Arrays.toString(m.predict(x).data()), "original untouched");
            assertThrows(LoupeException.class, () -> m.withRandomizedLayers(List.of("auto"), 1));
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void anUnsupportedOpFailsAtLoadNamingOpNodeAndOpset() {
        LoupeException e = assertThrows(LoupeException.class, () -> load(resource("unsupported_op.onnx")));
        assertTrue(e.getMessage().contains("Det") && e.getMessage().contains("'determinant'")
                && e.getMessage().contains("opset 13"), e.getMessage());
    }

    @Test
    void aWrongInputShapeIsRefusedWithTheExpectedShape() {
        try (ExplainableModel m = load(resource("tiny_cnn.onnx"))) {
            LoupeException e = assertThrows(LoupeException.class, () -> m.forward(manager.zeros(new Shape(1, 4, 8, 8))));
            assertTrue(e.getMessage().contains("[N, 3, 8, 8]"), e.getMessage());
        }
    }
}
