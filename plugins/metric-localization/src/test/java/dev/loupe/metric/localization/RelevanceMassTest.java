package dev.loupe.metric.localization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact fractions on hand-made maps. */
class RelevanceMassTest {
    private static Map<String, Double> scores(Tensor map, Tensor masks, Map<String, String> params) {
        return PointingGameTest.evaluate(new RelevanceMass(), map, new int[map.batchSize()], masks, params).scores();
    }

    @Test
    void positiveMassInsideOverPositiveMass() {
        // positive inside 3 + 2, positive overall 3 + 1 + 0.5 + 2: 5 / 6.5 = 10/13; −5 inside counts for nothing
        Tensor map = new Tensor(new float[] {3, -5, 1, 0.5f, 0, 2}, new long[] {1, 1, 2, 3});
        Tensor mask = new Tensor(new float[] {1, 1, 0, 0, 0, 1}, new long[] {1, 2, 3});
        Map<String, Double> s = scores(map, mask, Map.of());
        assertEquals(10.0 / 13, s.get("input-0"), 1e-7);
        assertEquals(10.0 / 13, s.get("score"), 1e-7);
        assertEquals(0.0, s.get("skipped"));
    }

    @Test
    void channelsAreSummedBeforeThePositivePart() {
        // pixel 0: 2 + (−1) = 1 inside; pixel 1: 4 + (−4) = 0; pixel 2: 1 + 2 = 3 outside → 1/4
        Tensor map = new Tensor(new float[] {2, 4, 1, -1, -4, 2}, new long[] {1, 2, 1, 3});
        Tensor mask = new Tensor(new float[] {1, 1, 0}, new long[] {1, 1, 3});
        assertEquals(0.25, scores(map, mask, Map.of()).get("score"), 1e-7);
        // abs-sum: 3 and 8 inside, 3 outside → 11/14
        assertEquals(11.0 / 14, scores(map, mask, Map.of("reduction", "abs-sum")).get("score"), 1e-7);
    }

    @Test
    void aMapWithNothingPositiveScoresZero() {
        Tensor map = new Tensor(new float[] {-1, 0, -2, -3}, new long[] {1, 1, 2, 2});
        Tensor mask = new Tensor(new float[] {1, 1, 0, 0}, new long[] {1, 2, 2});
        assertEquals(0.0, scores(map, mask, Map.of()).get("score"));
    }

    @Test
    void emptyMasksAreSkippedAndTheMeanIsOverTheRest() {
        // input 0: 1/4 inside; input 1: skipped; input 2: 3/4 inside
        Tensor map = new Tensor(new float[] {1, 1, 1, 1, 5, 5, 5, 5, 1, 1, 1, 1}, new long[] {3, 1, 2, 2});
        Tensor masks = new Tensor(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0}, new long[] {3, 2, 2});
        Map<String, Double> s = scores(map, masks, Map.of());
        assertEquals(0.25, s.get("input-0"), 1e-7);
        assertEquals(0.75, s.get("input-2"), 1e-7);
        assertFalse(s.containsKey("input-1"));
        assertEquals(1.0, s.get("skipped"));
        assertEquals(0.5, s.get("score"), 1e-7);
    }

    @Test
    void masksAreResizedByNearestNeighbour() {
        // a 2x2 mask on a 4x4 map: its top-left cell covers the top-left 2x2 block
        float[] m = new float[16];
        for (int q = 0; q < 16; q++) {
            m[q] = q + 1;
        }
        Tensor map = new Tensor(m, new long[] {1, 1, 4, 4});
        Tensor mask = new Tensor(new float[] {1, 0, 0, 0}, new long[] {1, 1, 2, 2});
        // (1 + 2 + 5 + 6) / (16 · 17 / 2)
        assertEquals(14.0 / 136, scores(map, mask, Map.of()).get("score"), 1e-7);
    }

    @Test
    void withoutMasksItSaysHowToGiveThem() {
        Tensor map = new Tensor(new float[] {1, 2, 3, 4}, new long[] {1, 1, 2, 2});
        Attribution a = new Attribution("test", map, null, new int[] {0}, Map.of(), List.of(), null, Map.of(),
                Map.of());
        LoupeException e = assertThrows(LoupeException.class, () -> new RelevanceMass().evaluate(
                new Metric.Input(null, null, a, null, null, Map.of()), new TestContext(8)));
        assertTrue(e.getMessage().startsWith("relevance-mass needs object masks")
                && e.getMessage().contains("loupe evaluate --masks MASKS.npy"), e.getMessage());
    }

    @Test
    void descriptor() {
        var d = new RelevanceMass().descriptor();
        assertTrue(d.needsMasks(), "scores against object masks");
        assertEquals("relevance-mass", d.id());
        assertTrue(d.higherIsBetter());
        assertEquals("sum", ParameterSpec.resolve(d.id(), d.parameters(), Map.of()).get("reduction"));
        assertTrue(d.citation().contains("Arras") && d.citation().contains("2022"));
    }
}
