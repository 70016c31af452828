package dev.loupe.inspect.filters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ForwardingModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelInfo;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.render.TileGrid;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FiltersTest {
    private static ExplainableModel model;
    private final Filters inspector = new Filters();

    @BeforeAll
    static void load() {
        model = Shapes.model();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private Inspection run(ExplainableModel m, List<String> layers, Map<String, String> params) {
        InspectionRequest request = new InspectionRequest(null, null, List.of(), null, layers, null, null,
                ParameterSpec.resolve(Filters.ID, inspector.descriptor().parameters(), params));
        return inspector.inspect(m, request, new TestContext(4));
    }

    @Test
    void firstConvolutionTilesAreEachFilterScaledByItsOwnMinAndMax() {
        Inspection r = run(model, List.of(), Map.of());
        Tensor w = r.arrays().get("weights-conv1_Conv_output_0");
        assertArrayEquals(new long[] {16, 3, 3, 3}, w.shape());
        assertWeightsOf("/conv1/Conv_output_0", "input", w, Shapes.inputs(1));
        BufferedImage f = r.figures().get("filters-conv1_Conv_output_0");
        TileGrid.Layout l = TileGrid.layout(16, 4, 24, 24, 1, false, true);
        assertEquals(l.height(), f.getHeight());
        for (int k = 0; k < 16; k++) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int q = 0; q < 27; q++) {
                min = Math.min(min, w.data()[k * 27 + q]);
                max = Math.max(max, w.data()[k * 27 + q]);
            }
            for (int y = 0; y < 24; y++) {
                for (int x = 0; x < 24; x++) {
                    int rgb = f.getRGB(l.tileX(k) + x, l.tileY(k) + y) & 0xFFFFFF;
                    for (int c = 0; c < 3; c++) {
                        float v = w.data()[((k * 3 + c) * 3 + y / 8) * 3 + x / 8];
                        long want = Math.round((v - min) / (max - min) * 255);
                        assertEquals(want, (rgb >> (16 - 8 * c)) & 0xFF,
                                "filter " + k + " channel " + c + " at (" + y + ", " + x + ")");
                    }
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) ((Map<String, Object>) r.details().get("layers"))
                .get("/conv1/Conv_output_0");
        assertEquals("onnx::Conv_39", facts.get("parameter"));
    }

    @Test
    void deeperConvolutionsAreDrawnAsTheirMeanOverInputChannels() {
        Inspection r = run(model, List.of("/conv2/Conv"), Map.of("scale", "2"));
        Tensor w = r.arrays().get("weights-conv2_Conv_output_0");
        assertArrayEquals(new long[] {32, 16, 3, 3}, w.shape());
        assertWeightsOf("/conv2/Conv_output_0", "/pool1/MaxPool_output_0", w, Shapes.inputs(1));
        BufferedImage f = r.figures().get("filters-conv2_Conv_output_0");
        TileGrid.Layout l = TileGrid.layout(32, 6, 6, 6, 1, false, true);
        assertEquals(l.height(), f.getHeight());
        for (int k = 0; k < 32; k++) {
            double[] mean = new double[9];
            for (int c = 0; c < 16; c++) {
                for (int q = 0; q < 9; q++) {
                    mean[q] += w.data()[(k * 16 + c) * 9 + q] / 16.0;
                }
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (double m : mean) {
                min = Math.min(min, m);
                max = Math.max(max, m);
            }
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 6; x++) {
                    int rgb = f.getRGB(l.tileX(k) + x, l.tileY(k) + y) & 0xFFFFFF;
                    long want = Math.round((mean[(y / 2) * 3 + x / 2] - min) / (max - min) * 255);
                    int got = rgb & 0xFF;
                    assertTrue(Math.abs(want - got) <= 1, "filter " + k + " at (" + y + ", " + x + "): " + want
                            + " vs " + got);
                    assertEquals(got, (rgb >> 8) & 0xFF, "grey");
                    assertEquals(got, (rgb >> 16) & 0xFF, "grey");
                }
            }
        }
        // the activation after a convolution means that convolution
        Inspection after = run(model, List.of("/relu2/Relu_output_0", "/conv3/Conv_output_0"), Map.of());
        assertEquals(List.of("weights-conv2_Conv_output_0", "weights-conv3_Conv_output_0"),
                List.copyOf(after.arrays().keySet()));
        assertEquals(w, after.arrays().get("weights-conv2_Conv_output_0"));
        assertWeightsOf("/conv3/Conv_output_0", "/pool2/MaxPool_output_0",
                after.arrays().get("weights-conv3_Conv_output_0"), Shapes.inputs(1));
    }

    /**
     * Independent of how the weight was found: the layer's output minus the convolution of its input
     * with the weight is one constant (the bias) per channel at every interior position.
     */
    private static void assertWeightsOf(String layer, String input, Tensor w, Tensor x) {
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        try (NDManager m = model.newManager()) {
            NDArray batch = m.create(x.data(), new Shape(x.shape()));
            List<String> capture = input.equals("input") ? List.of(layer) : List.of(input, layer);
            var result = model.pass(new PassRequest(batch, null, capture, false, Map.of(), null));
            float[] a = input.equals("input") ? x.data() : result.activations().get(input).toFloatArray();
            NDArray o = result.activations().get(layer);
            int size = (int) o.getShape().get(2);
            float[] y = o.toFloatArray();
            for (int k = 0; k < out; k++) {
                double first = Double.NaN;
                for (int p = 1; p < size - 1; p += 5) {
                    double dot = 0;
                    for (int c = 0; c < in; c++) {
                        for (int dy = 0; dy < 3; dy++) {
                            for (int dx = 0; dx < 3; dx++) {
                                dot += w.data()[((k * in + c) * 3 + dy) * 3 + dx]
                                        * a[(c * size + p + dy - 1) * size + p + dx - 1];
                            }
                        }
                    }
                    double bias = y[(k * size + p) * size + p] - dot;
                    if (Double.isNaN(first)) {
                        first = bias;
                    }
                    assertEquals(first, bias, 1e-3, layer + " filter " + k + " at " + p);
                }
            }
        }
    }

    @Test
    void withBatchNormKeptTheActivationMeansItsConvolutionAndTheWeightIsFoundByName() {
        try (ExplainableModel bn = Shapes.model("model_bn.onnx")) {
            Inspection r = run(bn, List.of("/relu2/Relu_output_0", "/bn1/BatchNormalization_output_0"), Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> layers = (Map<String, Map<String, Object>>) r.details().get("layers");
            assertEquals(List.of("/conv2/Conv_output_0", "/conv1/Conv_output_0"), List.copyOf(layers.keySet()));
            assertEquals("conv2.weight", layers.get("/conv2/Conv_output_0").get("parameter"));
            assertEquals("conv1.weight", layers.get("/conv1/Conv_output_0").get("parameter"));
            assertEquals(bn.parameters().get("conv2.weight"), r.arrays().get("weights-conv2_Conv_output_0"));
        }
    }

    @Test
    void aModelWithoutParametersIsRefusedClearly() {
        ExplainableModel noWeights = new ForwardingModel(model) {
            @Override
            public Set<Capability> capabilities() {
                Set<Capability> c = EnumSet.copyOf(delegate.capabilities());
                c.remove(Capability.PARAMETERS);
                return c;
            }

            @Override
            public void close() {
            }
        };
        LoupeException e = assertThrows(LoupeException.class, () -> run(noWeights, List.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("filters needs PARAMETERS"), e.getMessage());
        assertTrue(e.getMessage().contains("LAYER_ACTIVATION"), "names what the backend offers: " + e.getMessage());
    }

    @Test
    void unknownAndNonConvolutionLayersListTheConvolutions() {
        LoupeException unknown = assertThrows(LoupeException.class, () -> run(model, List.of("/conv7"), Map.of()));
        assertTrue(unknown.getMessage().contains("/conv1/Conv") && unknown.getMessage().contains("/conv3/Conv"),
                unknown.getMessage());
        LoupeException pool = assertThrows(LoupeException.class,
                () -> run(model, List.of("/pool1/MaxPool"), Map.of()));
        assertTrue(pool.getMessage().contains("MaxPool node, not a convolution"), pool.getMessage());
        LoupeException rgb = assertThrows(LoupeException.class,
                () -> run(model, List.of("/conv2/Conv"), Map.of("mode", "rgb")));
        assertTrue(rgb.getMessage().contains("mode=mean"), rgb.getMessage());
    }

    @Test
    void sameShapedWeightsAreTakenByNameElseInOrder() {
        long[] map = {-1, 8, 10, 10};
        ModelInfo info = new ModelInfo("two", List.of(new ModelInfo.TensorInfo("x", map, "float32")), List.of(),
                List.of(new ModelInfo.LayerInfo("a", "/block/0/Conv", "Conv", map, List.of("x")),
                        new ModelInfo.LayerInfo("b", "/block/1/Conv", "Conv", map, List.of("a"))),
                List.of());
        Tensor w = Tensor.zeros(8, 8, 3, 3);
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        ordered.put("onnx::Conv_7", w);
        ordered.put("onnx::Conv_8", Tensor.zeros(8));
        ordered.put("onnx::Conv_9", w);
        List<ModelInfo.LayerInfo> convs = info.layers();
        assertEquals("onnx::Conv_7", Filters.weightOf(info, convs.get(0), ordered, convs));
        assertEquals("onnx::Conv_9", Filters.weightOf(info, convs.get(1), ordered, convs));
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("block.1.weight", w);
        named.put("block.0.weight", w);
        assertEquals("block.0.weight", Filters.weightOf(info, convs.get(0), named, convs));
        assertEquals("block.1.weight", Filters.weightOf(info, convs.get(1), named, convs));
        Map<String, Tensor> wrong = Map.of("fc.weight", Tensor.zeros(4, 8));
        LoupeException e = assertThrows(LoupeException.class,
                () -> Filters.weightOf(info, convs.get(0), wrong, convs));
        assertTrue(e.getMessage().contains("fc.weight [4, 8]"), e.getMessage());
    }
}
