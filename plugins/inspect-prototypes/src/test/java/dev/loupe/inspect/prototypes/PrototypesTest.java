package dev.loupe.inspect.prototypes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.cam.MapOps;
import dev.loupe.render.TileGrid;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrototypesTest {
    private static ExplainableModel model;
    private final Prototypes inspector = new Prototypes();

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

    private Inspection run(Tensor inputs, Tensor display, int[] labels, List<String> layers, Integer unit,
            Integer target, Map<String, String> params) {
        InspectionRequest request = new InspectionRequest(inputs, display, List.of(), labels, layers, unit, target,
                ParameterSpec.resolve(Prototypes.ID, inspector.descriptor().parameters(), params));
        return inspector.inspect(model, request, new TestContext(5));
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> top(Inspection r) {
        return (List<Integer>) r.details().get("top");
    }

    @Test
    void eachClassScoreRanksImagesOfThatClassFirstOnTheEightFixtureInputs() {
        Tensor inputs = Shapes.inputs();
        int[] labels = Shapes.labels();
        Tensor logits = Fixtures.npy(Shapes.file("logits.npy"));
        for (int c : new int[] {0, 2, 3}) {
            Inspection r = run(inputs, Fixtures.npy(Shapes.file("images.npy")), labels, List.of(), null, c, Map.of());
            float[] expected = new float[8];
            for (int i = 0; i < 8; i++) {
                expected[i] = logits.data()[i * 4 + c];
            }
            Fixtures.assertClose(expected, r.arrays().get("scores").data(), 1e-4, "class " + c + " scores");
            int members = (int) Arrays.stream(labels).filter(l -> l == c).count();
            assertTrue(members >= 2, "the fixture has two or more of class " + c);
            for (int j = 0; j < members; j++) {
                assertEquals(c, labels[top(r).get(j)], "class " + c + ": input at rank " + (j + 1));
            }
            assertNotEquals(c, labels[top(r).get(members)], "class " + c + ": the next input is another class");
        }
    }

    @Test
    void everyClassIncludingSquaresRanksItsOwnFirstOverTwentyFourInputs() throws IOException {
        // the watermark fixture's 16 images (same generator, normalisation and classes) add the squares that
        // the 8 shapes inputs lack; the clean model classifies all 24 correctly
        Tensor a = Shapes.inputs();
        Tensor b = Fixtures.npy(Fixtures.shared("fixtures/shapes-watermark/inputs.npy"));
        float[] data = Arrays.copyOf(a.data(), a.data().length + b.data().length);
        System.arraycopy(b.data(), 0, data, a.data().length, b.data().length);
        Tensor inputs = new Tensor(data, new long[] {24, 3, 64, 64});
        int[] labels = new int[24];
        System.arraycopy(Shapes.labels(), 0, labels, 0, 8);
        long[] more = Npy.readLongs(Fixtures.shared("fixtures/shapes-watermark/labels.npy"));
        for (int i = 0; i < 16; i++) {
            labels[8 + i] = (int) more[i];
        }
        Tensor logits = model.predict(inputs);
        for (int c = 0; c < 4; c++) {
            final int cls = c;
            Inspection r = run(inputs, null, labels, List.of(), null, c, Map.of("k", "10"));
            int members = (int) Arrays.stream(labels).filter(l -> l == cls).count();
            assertTrue(members >= 4 && members < 10, "class " + c + " has " + members + " of 24");
            for (int j = 0; j < members; j++) {
                assertEquals(c, labels[top(r).get(j)], "class " + c + ": input at rank " + (j + 1));
            }
            assertNotEquals(c, labels[top(r).get(members)]);
            // the table: header, the top 10 and bottom 10 of 24 (20 distinct ranks), label column from the request
            String[] rows = r.tables().get("ranking").split("\n");
            assertEquals("rank,index,name,score,label", rows[0]);
            assertEquals(21, rows.length);
            String[] first = rows[1].split(",", -1);
            assertEquals("1", first[0]);
            assertEquals(top(r).get(0), Integer.parseInt(first[1]));
            assertEquals(String.valueOf(c), first[4]);
            assertEquals(logits.data()[Integer.parseInt(first[1]) * 4 + c], Float.parseFloat(first[3]), 1e-4);
            assertEquals("24", rows[20].split(",")[0]);
        }
    }

    @Test
    void aChannelRankingIsTheChannelMeanAndItsMapsAreTheChannelUpsampled() {
        Tensor inputs = Shapes.inputs();
        Tensor images = Fixtures.npy(Shapes.file("images.npy"));
        int unit = 11;
        Inspection r = run(inputs, images, null, List.of("/relu3/Relu"), unit, null, Map.of("k", "3"));
        float[] direct;
        try (NDManager m = model.newManager()) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            direct = model.pass(new PassRequest(x, null, List.of(Shapes.LAYER), false, Map.of(), null)).activations()
                    .get(Shapes.LAYER).toFloatArray();
        }
        float[] mean = new float[8];
        for (int i = 0; i < 8; i++) {
            double s = 0;
            for (int q = 0; q < 256; q++) {
                s += direct[(i * 64 + unit) * 256 + q];
            }
            mean[i] = (float) (s / 256);
        }
        Fixtures.assertClose(mean, r.arrays().get("scores").data(), 1e-5, "channel means");
        Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        Arrays.sort(order, (p, q) -> Float.compare(mean[q], mean[p]));
        assertEquals(List.of(order[0], order[1], order[2]), top(r));
        assertEquals(List.of(order[7], order[6], order[5]), r.details().get("bottom"));
        assertEquals(Shapes.LAYER, r.details().get("layer"));

        // the overlays' maps: the unit's channel (ReLU'd) of each top input, bilinear to 64×64
        Tensor maps = r.arrays().get("top-maps");
        assertArrayEquals(new long[] {3, 1, 64, 64}, maps.shape());
        float[] channels = new float[3 * 256];
        for (int j = 0; j < 3; j++) {
            System.arraycopy(direct, (order[j] * 64 + unit) * 256, channels, j * 256, 256);
        }
        Fixtures.assertClose(MapOps.bilinear(MapOps.relu(channels), 16, 16, 64, 64, false), maps.data(), 1e-5,
                "top maps");
        assertEquals(List.of("top", "bottom", "top-maps"), List.copyOf(r.figures().keySet()));

        // the top strip shows the display images, enlarged twice, in rank order
        BufferedImage strip = r.figures().get("top");
        TileGrid.Layout l = TileGrid.layout(3, 3, 128, 128, 2, true, true);
        assertEquals(l.height(), strip.getHeight());
        for (int j = 0; j < 3; j++) {
            for (int y = 0; y < 64; y += 7) {
                for (int x = 0; x < 64; x += 5) {
                    int rgb = strip.getRGB(l.tileX(j) + 2 * x + 1, l.tileY(j) + 2 * y) & 0xFFFFFF;
                    for (int ch = 0; ch < 3; ch++) {
                        float v = images.data()[((order[j] * 3 + ch) * 64 + y) * 64 + x];
                        int got = (rgb >> (16 - 8 * ch)) & 0xFF;
                        assertTrue(Math.abs(Math.round(v * 255) - got) <= 1, "rank " + j + " (" + y + ", " + x + ")");
                    }
                }
            }
        }
        // and its captions are written under the tiles
        int ink = 0;
        for (int p : strip.getRGB(l.tileX(0), l.captionY(0), 128, l.captionHeight(), null, 0, 128)) {
            ink += (p & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
        }
        assertTrue(ink > 20, "score caption under the first tile");
    }

    @Test
    void aClassOverlayIsTheLastFeatureMapsChannelSum() {
        Tensor inputs = Shapes.inputs(4);
        Inspection r = run(inputs, null, null, List.of(), null, 2, Map.of("k", "2"));
        float[] direct;
        try (NDManager m = model.newManager()) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            direct = model.pass(new PassRequest(x, null, List.of(Shapes.LAYER), false, Map.of(), null)).activations()
                    .get(Shapes.LAYER).toFloatArray();
        }
        float[] sums = new float[2 * 256];
        for (int j = 0; j < 2; j++) {
            int i = top(r).get(j);
            for (int c = 0; c < 64; c++) {
                for (int q = 0; q < 256; q++) {
                    sums[j * 256 + q] += Math.max(0, direct[(i * 64 + c) * 256 + q]);
                }
            }
        }
        Fixtures.assertClose(MapOps.bilinear(sums, 16, 16, 64, 64, false), r.arrays().get("top-maps").data(), 1e-5,
                "channel sums");
        assertEquals(List.of(3, 1), top(r), "the two triangles of the first four inputs, logits 6.87 and 5.24");
    }

    @Test
    void kLargerThanTheInputsIsClamped() {
        Inspection r = run(Shapes.inputs(3), null, null, List.of(), 0, null, Map.of("k", "50"));
        assertEquals(3, r.details().get("k"));
        assertTrue(String.valueOf(r.details().get("k note")).contains("clamped"));
        assertEquals(3, top(r).size());
        assertEquals(4, r.tables().get("ranking").split("\n").length, "header and the 3 inputs once each");
        assertArrayEquals(new long[] {3}, r.arrays().get("scores").shape());
        assertArrayEquals(new long[] {3, 1, 64, 64}, r.arrays().get("top-maps").shape());
    }

    @Test
    void unclearRequestsAreRefused() {
        Tensor x = Shapes.inputs(2);
        String neither = assertThrows(LoupeException.class, () -> run(x, null, null, List.of(), null, null, Map.of()))
                .getMessage();
        assertTrue(neither.contains("--unit") && neither.contains("--target"), neither);
        String both = assertThrows(LoupeException.class, () -> run(x, null, null, List.of(), 1, 1, Map.of()))
                .getMessage();
        assertTrue(both.contains("not both"), both);
        String cls = assertThrows(LoupeException.class, () -> run(x, null, null, List.of(), null, 4, Map.of()))
                .getMessage();
        assertTrue(cls.contains("0..3"), cls);
        String ch = assertThrows(LoupeException.class, () -> run(x, null, null, List.of(), 64, null, Map.of()))
                .getMessage();
        assertTrue(ch.contains("0..63"), ch);
        String layer = assertThrows(LoupeException.class,
                () -> run(x, null, null, List.of("/nope"), 1, null, Map.of())).getMessage();
        assertTrue(layer.contains(Shapes.LAYER), layer);
        String none = assertThrows(LoupeException.class, () -> run(null, null, null, List.of(), 1, null, Map.of()))
                .getMessage();
        assertTrue(none.contains("--input"), none);
    }
}
