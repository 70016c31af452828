package dev.loupe.inspect.featuremaps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.render.Colormap;
import dev.loupe.render.TileGrid;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeatureMapsTest {
    private static final String KEY = "relu3_Relu_output_0";
    private static ExplainableModel model;
    private final FeatureMaps inspector = new FeatureMaps();

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

    private Inspection run(Tensor inputs, List<String> layers, Integer unit, Map<String, String> params) {
        InspectionRequest request = new InspectionRequest(inputs, null, List.of(), null, layers, unit, null,
                ParameterSpec.resolve(FeatureMaps.ID, inspector.descriptor().parameters(), params));
        return inspector.inspect(model, request, new TestContext(3));
    }

    /** The layer's values straight from one pass of the backend, for comparison. */
    private static float[] direct(Tensor inputs, String layer) {
        try (NDManager m = model.newManager()) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            return model.pass(new PassRequest(x, null, List.of(layer), false, Map.of(), null)).activations()
                    .get(layer).toFloatArray();
        }
    }

    /** Independent of the inspector: ReLU, the channel's min and max, the colormap. */
    private static int[] expectedTile(Tensor a, int i, int c, Colormap colormap) {
        int channels = (int) a.shape()[1];
        int size = (int) (a.shape()[2] * a.shape()[3]);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int q = 0; q < size; q++) {
            double v = Math.max(0, a.data()[(i * channels + c) * size + q]);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int[] rgb = new int[size];
        for (int q = 0; q < size; q++) {
            double v = Math.max(0, a.data()[(i * channels + c) * size + q]);
            rgb[q] = colormap.rgb(max > min ? (v - min) / (max - min) : 0);
        }
        return rgb;
    }

    private static void assertTile(BufferedImage figure, TileGrid.Layout l, int tile, int[] expected, int h, int w,
            int factor) {
        for (int y = 0; y < h * factor; y++) {
            for (int x = 0; x < w * factor; x++) {
                int want = expected[(y / factor) * w + x / factor];
                int got = figure.getRGB(l.tileX(tile) + x, l.tileY(tile) + y) & 0xFFFFFF;
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs(((want >> shift) & 0xFF) - ((got >> shift) & 0xFF));
                    if (d > 1) {
                        throw new AssertionError("tile " + tile + " pixel (" + y + ", " + x + "): expected "
                                + Integer.toHexString(want) + ", got " + Integer.toHexString(got));
                    }
                }
            }
        }
    }

    @Test
    void tilesAreViridisOfEachChannelScaledToItsOwnRangeAndTheRawActivationsAreReturned() {
        Tensor inputs = Shapes.inputs(2);
        Inspection r = run(inputs, List.of(Shapes.LAYER), null, Map.of());
        Tensor a = r.arrays().get("activations-" + KEY);
        assertArrayEquals(new long[] {2, 64, 16, 16}, a.shape());
        Fixtures.assertClose(direct(inputs, Shapes.LAYER), a.data(), 1e-5, "captured activations");
        assertEquals(List.of("feature-maps-0-" + KEY, "feature-maps-1-" + KEY), List.copyOf(r.figures().keySet()));

        // 16×16 maps enlarged 4 times to the default 64-pixel tiles, 8 columns (ceil sqrt 64)
        TileGrid.Layout l = TileGrid.layout(64, 8, 64, 64, 1, false, true);
        for (int i = 0; i < 2; i++) {
            BufferedImage f = r.figures().get("feature-maps-" + i + "-" + KEY);
            assertTrue(f.getWidth() >= l.width(), "the grid fits");
            assertEquals(l.height(), f.getHeight());
            for (int c = 0; c < 64; c++) {
                assertTile(f, l, c, expectedTile(a, i, c, Colormap.VIRIDIS), 16, 16, 4);
            }
        }
        // one known pixel spelt out: the strongest activation of a channel is viridis' yellow, its weakest purple
        BufferedImage f0 = r.figures().get("feature-maps-0-" + KEY);
        int c = strongestChannel(a, 0);
        int at = argmax(a, 0, c);
        assertEquals(0xFDE725, f0.getRGB(l.tileX(c) + (at % 16) * 4 + 1, l.tileY(c) + (at / 16) * 4 + 2) & 0xFFFFFF);
        int low = argmin(a, 0, c);
        assertEquals(0x440154, f0.getRGB(l.tileX(c) + (low % 16) * 4, l.tileY(c) + (low / 16) * 4) & 0xFFFFFF);
    }

    @Test
    void grayScaleIsTheScaledActivationTimes255() {
        Tensor inputs = Shapes.inputs(1);
        Inspection r = run(inputs, List.of("/relu2/Relu"), null, Map.of("colormap", "gray", "max-channels", "5"));
        Tensor a = r.arrays().get("activations-relu2_Relu_output_0");
        assertArrayEquals(new long[] {1, 32, 32, 32}, a.shape());
        BufferedImage f = r.figures().get("feature-maps-0-relu2_Relu_output_0");
        TileGrid.Layout l = TileGrid.layout(5, 3, 64, 64, 1, false, true);
        assertTrue(f.getWidth() >= l.width(), "the grid fits");
        assertEquals(l.height(), f.getHeight());
        for (int c = 0; c < 5; c++) {
            assertTile(f, l, c, expectedTile(a, 0, c, Colormap.GRAY), 32, 32, 2);
        }
        // a convolution's own output has negative values: they are cut at zero before the scaling
        Inspection conv = run(inputs, List.of("/conv1/Conv_output_0"), null, Map.of("colormap", "gray"));
        Tensor raw = conv.arrays().get("activations-conv1_Conv_output_0");
        boolean negative = false;
        for (float v : raw.data()) {
            negative |= v < 0;
        }
        assertTrue(negative, "conv1's output has negative values");
        TileGrid.Layout lc = TileGrid.layout(16, 4, 64, 64, 1, false, true);
        for (int c = 0; c < 16; c++) {
            assertTile(conv.figures().get("feature-maps-0-conv1_Conv_output_0"), lc, c,
                    expectedTile(raw, 0, c, Colormap.GRAY), 64, 64, 1);
        }
        // the strongest activation of each drawn channel is white
        for (int c = 0; c < 5; c++) {
            int q = argmax(a, 0, c);
            if (a.data()[c * 32 * 32 + q] > 0) {
                assertEquals(0xFFFFFF, f.getRGB(l.tileX(c) + (q % 32) * 2, l.tileY(c) + (q / 32) * 2) & 0xFFFFFF);
            }
        }
    }

    @Test
    void everyTileIsLabelledWithItsChannelIndex() {
        Inspection r = run(Shapes.inputs(1), List.of(), null, Map.of("max-channels", "12"));
        BufferedImage f = r.figures().get("feature-maps-0-" + KEY);
        TileGrid.Layout l = TileGrid.layout(12, 4, 64, 64, 1, false, true);
        assertTrue(f.getWidth() >= l.width(), "the grid fits");
        int[][] bands = new int[12][];
        for (int c = 0; c < 12; c++) {
            bands[c] = f.getRGB(l.tileX(c), l.captionY(c), 64, l.captionHeight(), null, 0, 64);
            int ink = 0;
            for (int p : bands[c]) {
                ink += (p & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
            }
            assertTrue(ink > 5, "caption of channel " + c + " has text (" + ink + " dark pixels)");
        }
        // different indices, different captions; "1" and "10" differ too
        for (int c = 1; c < 12; c++) {
            assertFalse(Arrays.equals(bands[c - 1], bands[c]), "captions of " + (c - 1) + " and " + c);
        }
        assertFalse(Arrays.equals(bands[1], bands[10]), "captions of 1 and 10");
        // the title names the layer and the count
        int title = 0;
        for (int p : f.getRGB(0, 0, f.getWidth(), TileGrid.MARGIN + l.titleHeight(), null, 0, f.getWidth())) {
            title += (p & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
        }
        assertTrue(title > 50, "a title is drawn");
    }

    @Test
    void aUnitIsDrawnAloneAndLarge() {
        Tensor inputs = Shapes.inputs(2);
        Inspection r = run(inputs, List.of(Shapes.LAYER), 7, Map.of());
        Tensor a = r.arrays().get("activations-" + KEY);
        assertArrayEquals(new long[] {2, 64, 16, 16}, a.shape(), "the arrays keep every channel");
        TileGrid.Layout l = TileGrid.layout(1, 1, 256, 256, 1, false, true);
        for (int i = 0; i < 2; i++) {
            BufferedImage f = r.figures().get("feature-maps-" + i + "-" + KEY);
            assertEquals(l.height(), f.getHeight());
            assertTile(f, l, 0, expectedTile(a, i, 7, Colormap.VIRIDIS), 16, 16, 16);
        }
        assertEquals(7, r.details().get("unit"));
        LoupeException e = assertThrows(LoupeException.class, () -> run(inputs, List.of(Shapes.LAYER), 64, Map.of()));
        assertTrue(e.getMessage().contains("0..63"), e.getMessage());
    }

    @Test
    void unknownLayerListsTheLayers() {
        LoupeException e = assertThrows(LoupeException.class,
                () -> run(Shapes.inputs(1), List.of("/conv9/Conv"), null, Map.of()));
        assertTrue(e.getMessage().contains("/conv9/Conv"), e.getMessage());
        assertTrue(e.getMessage().contains(Shapes.LAYER) && e.getMessage().contains("/conv1/Conv_output_0"),
                e.getMessage());
        LoupeException flat = assertThrows(LoupeException.class,
                () -> run(Shapes.inputs(1), List.of("/Flatten_output_0"), null, Map.of()));
        assertTrue(flat.getMessage().contains("[N, C, H, W]"), flat.getMessage());
        LoupeException none = assertThrows(LoupeException.class,
                () -> run(null, List.of(), null, Map.of()));
        assertTrue(none.getMessage().contains("--input"), none.getMessage());
    }

    @Test
    void allConvolutionsTakesEachConvolutionAfterItsActivation() {
        Inspection r = run(Shapes.inputs(1), List.of(), null, Map.of("all-convolutions", "true", "max-channels", "4"));
        assertEquals(List.of("activations-relu1_Relu_output_0", "activations-relu2_Relu_output_0",
                "activations-" + KEY), List.copyOf(r.arrays().keySet()));
        assertEquals(3, r.figures().size());
        assertArrayEquals(new long[] {1, 16, 64, 64}, r.arrays().get("activations-relu1_Relu_output_0").shape());
        // a 64×64 map is not enlarged at the default tile size
        assertEquals(TileGrid.layout(4, 2, 64, 64, 1, false, true).height(),
                r.figures().get("feature-maps-0-relu1_Relu_output_0").getHeight());
    }

    private static int strongestChannel(Tensor a, int i) {
        int channels = (int) a.shape()[1];
        int size = (int) (a.shape()[2] * a.shape()[3]);
        int best = 0;
        float top = -Float.MAX_VALUE;
        for (int c = 0; c < channels; c++) {
            for (int q = 0; q < size; q++) {
                if (a.data()[(i * channels + c) * size + q] > top) {
                    top = a.data()[(i * channels + c) * size + q];
                    best = c;
                }
            }
        }
        return best;
    }

    private static int argmax(Tensor a, int i, int c) {
        int channels = (int) a.shape()[1];
        int size = (int) (a.shape()[2] * a.shape()[3]);
        int best = 0;
        for (int q = 1; q < size; q++) {
            if (a.data()[(i * channels + c) * size + q] > a.data()[(i * channels + c) * size + best]) {
                best = q;
            }
        }
        return best;
    }

    private static int argmin(Tensor a, int i, int c) {
        int channels = (int) a.shape()[1];
        int size = (int) (a.shape()[2] * a.shape()[3]);
        int best = 0;
        for (int q = 1; q < size; q++) {
            if (a.data()[(i * channels + c) * size + q] < a.data()[(i * channels + c) * size + best]) {
                best = q;
            }
        }
        return best;
    }
}
