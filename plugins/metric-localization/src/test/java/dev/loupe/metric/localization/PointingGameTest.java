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
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-made maps and masks with known answers. */
class PointingGameTest {
    private static final int SIZE = 40;

    static Metric.Result evaluate(Metric metric, Tensor map, int[] targets, Tensor masks, Map<String, String> params) {
        Attribution a = new Attribution("test", map, null, targets, Map.of(), List.of(), null, Map.of(), Map.of());
        Map<String, Object> resolved = ParameterSpec.resolve(metric.descriptor().id(),
                metric.descriptor().parameters(), params);
        return metric.evaluate(new Metric.Input(null, null, a, null, masks, resolved), new TestContext(8));
    }

    /** One SIZE x SIZE map, 0 but 1 at each given (y, x). */
    private static float[] peaks(int... yx) {
        float[] m = new float[SIZE * SIZE];
        for (int k = 0; k < yx.length; k += 2) {
            m[yx[k] * SIZE + yx[k + 1]] = 1;
        }
        return m;
    }

    /** One SIZE x SIZE mask with object pixels at each given (y, x). */
    private static float[] object(int... yx) {
        return peaks(yx);
    }

    private static Tensor stack(float[]... planes) {
        float[] all = new float[planes.length * SIZE * SIZE];
        for (int i = 0; i < planes.length; i++) {
            System.arraycopy(planes[i], 0, all, i * SIZE * SIZE, SIZE * SIZE);
        }
        return new Tensor(all, new long[] {planes.length, 1, SIZE, SIZE});
    }

    private static Tensor masks(float[]... planes) {
        Tensor t = stack(planes);
        return new Tensor(t.data(), new long[] {planes.length, SIZE, SIZE});
    }

    private static boolean hit(float[] map, float[] mask, int tolerance) {
        Metric.Result r = evaluate(new PointingGame(), stack(map), new int[] {0}, masks(mask),
                Map.of("tolerance", String.valueOf(tolerance)));
        return r.scores().get("hit-0") == 1.0;
    }

    @Test
    void aHitIsStrictlyCloserThanTheTolerance() {
        float[] map = peaks(20, 5);
        assertTrue(hit(map, object(20, 19), 15), "distance 14");
        assertFalse(hit(map, object(20, 21), 15), "distance 16");
        // TorchRay: (u² + v²) < tolerance², so exactly 15 misses
        assertFalse(hit(map, object(20, 20), 15), "distance 15");
        // diagonal: √(9² + 11²) ≈ 14.2 hits, √(9² + 12²) = 15 misses
        assertTrue(hit(peaks(0, 0), object(9, 11), 15));
        assertFalse(hit(peaks(0, 0), object(9, 12), 15));
        assertFalse(hit(map, object(20, 19), 0), "distance 14 is off the object");
    }

    @Test
    void toleranceZeroMeansInsideTheMask() {
        float[] map = peaks(10, 10);
        assertTrue(hit(map, object(10, 10, 10, 11), 0), "on the object");
        assertFalse(hit(map, object(10, 11), 0), "one pixel beside it");
        assertFalse(hit(map, object(10, 11), 1), "distance 1 is not closer than 1");
        assertTrue(hit(map, object(10, 11), 2), "distance 1 within 2");
    }

    @Test
    void anyTiedMaximumMayHit() {
        assertTrue(hit(peaks(2, 2, 30, 30), object(30, 30), 0), "the second maximum is on the object");
        assertFalse(hit(peaks(2, 2, 30, 30), object(15, 15), 0), "neither maximum is");
        // a constant map: every pixel is a maximum
        assertTrue(hit(new float[SIZE * SIZE], object(39, 39), 0));
    }

    @Test
    void accuracyOverallPerClassAndSkipped() {
        float[] onObject = peaks(5, 5);
        float[] offObject = peaks(35, 35);
        float[] mask = object(5, 5, 5, 6);
        float[] empty = new float[SIZE * SIZE];
        // targets 0, 0, 1, 2, 2, 1: hits 1, 0, 1, 0, 0, and the last has an empty mask
        Metric.Result r = evaluate(new PointingGame(), stack(onObject, offObject, onObject, offObject, offObject,
                onObject), new int[] {0, 0, 1, 2, 2, 1}, masks(mask, mask, mask, mask, mask, empty), Map.of());
        Map<String, Double> s = r.scores();
        assertEquals(0.4, s.get("score"), 1e-12);
        assertEquals(0.5, s.get("class-0"), 1e-12);
        assertEquals(1.0, s.get("class-1"), 1e-12);
        assertEquals(0.0, s.get("class-2"), 1e-12);
        assertEquals(0.5, s.get("class-mean"), 1e-12);
        assertEquals(1.0, s.get("skipped"));
        assertEquals(2.0, s.get("hits"));
        assertEquals(3.0, s.get("misses"));
        assertEquals(1.0, s.get("hit-0"));
        assertEquals(0.0, s.get("hit-1"));
        assertFalse(s.containsKey("hit-5"), "a skipped input has no hit");
        assertEquals("pointing-game", r.metricId());
    }

    @Test
    void masksOfAnotherSizeAreResizedByNearestNeighbour() {
        // a 2x2 mask on a 4x4 map: the top-right cell covers rows 0-1, columns 2-3
        Tensor mask = new Tensor(new float[] {0, 1, 0, 0}, new long[] {1, 2, 2});
        int[] t = {0};
        Map<String, String> zero = Map.of("tolerance", "0");
        assertEquals(1.0, evaluate(new PointingGame(), single(1, 2), t, mask, zero).scores().get("score"));
        assertEquals(0.0, evaluate(new PointingGame(), single(0, 1), t, mask, zero).scores().get("score"));
        assertEquals(0.0, evaluate(new PointingGame(), single(2, 2), t, mask, zero).scores().get("score"));
    }

    /** A 4x4 map with its maximum at (y, x). */
    private static Tensor single(int y, int x) {
        float[] m = new float[16];
        m[y * 4 + x] = 1;
        return new Tensor(m, new long[] {1, 1, 4, 4});
    }

    @Test
    void channelsAreReducedFirst() {
        // pixel 0: +1 and −3 (sum −2, abs-max 3); pixel 1: 0.5 in one channel; the object is pixel 0
        float[] map = new float[2 * 4];
        map[0] = 1;
        map[4] = -3;
        map[1] = 0.5f;
        Tensor t = new Tensor(map, new long[] {1, 2, 2, 2});
        Tensor mask = new Tensor(new float[] {1, 0, 0, 0}, new long[] {1, 2, 2});
        assertEquals(0.0, evaluate(new PointingGame(), t, new int[] {0}, mask, Map.of("tolerance", "0"))
                .scores().get("score"));
        assertEquals(1.0, evaluate(new PointingGame(), t, new int[] {0}, mask,
                Map.of("tolerance", "0", "reduction", "abs-max")).scores().get("score"));
    }

    @Test
    void distancesMatchBruteForce() {
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int h = 1 + random.nextInt(30);
            int w = 1 + random.nextInt(30);
            boolean[] object = new boolean[h * w];
            object[random.nextInt(h * w)] = true;
            for (int k = 0; k < object.length; k++) {
                object[k] |= random.nextDouble() < 0.02;
            }
            double[] d = PointingGame.squaredDistances(object, h, w);
            for (int q = 0; q < h * w; q++) {
                double best = Double.MAX_VALUE;
                for (int o = 0; o < h * w; o++) {
                    if (object[o]) {
                        double dy = q / w - o / w;
                        double dx = q % w - o % w;
                        best = Math.min(best, dy * dy + dx * dx);
                    }
                }
                assertEquals(best, d[q], 0, "trial " + trial + " pixel " + q);
            }
        }
    }

    @Test
    void withoutMasksItSaysHowToGiveThem() {
        Attribution a = new Attribution("test", stack(peaks(1, 1)), null, new int[] {0}, Map.of(), List.of(), null,
                Map.of(), Map.of());
        LoupeException e = assertThrows(LoupeException.class, () -> new PointingGame().evaluate(
                new Metric.Input(null, null, a, null, null, Map.of()), new TestContext(8)));
        assertTrue(e.getMessage().contains("needs object masks") && e.getMessage().contains("--masks MASKS.npy"),
                e.getMessage());
    }

    @Test
    void badMasksAndParametersSayWhatIsWrong() {
        Tensor map = stack(peaks(1, 1));
        LoupeException count = assertThrows(LoupeException.class,
                () -> evaluate(new PointingGame(), map, new int[] {0}, masks(object(1, 1), object(1, 1)), Map.of()));
        assertTrue(count.getMessage().contains("[2, 40, 40]") && count.getMessage().contains("one mask per input"),
                count.getMessage());
        LoupeException empty = assertThrows(LoupeException.class,
                () -> evaluate(new PointingGame(), map, new int[] {0}, masks(new float[SIZE * SIZE]), Map.of()));
        assertTrue(empty.getMessage().contains("every mask is empty"), empty.getMessage());
        LoupeException tolerance = assertThrows(LoupeException.class,
                () -> evaluate(new PointingGame(), map, new int[] {0}, masks(object(1, 1)), Map.of("tolerance", "-1")));
        assertTrue(tolerance.getMessage().contains("tolerance"), tolerance.getMessage());
        LoupeException reduction = assertThrows(LoupeException.class,
                () -> evaluate(new PointingGame(), map, new int[] {0}, masks(object(1, 1)),
                        Map.of("reduction", "max")));
        assertTrue(reduction.getMessage().contains("abs-max"), reduction.getMessage());
    }

    @Test
    void descriptor() {
        var d = new PointingGame().descriptor();
        assertTrue(d.needsMasks(), "scores against object masks");
        assertEquals("pointing-game", d.id());
        assertTrue(d.higherIsBetter());
        Map<String, Object> p = ParameterSpec.resolve(d.id(), d.parameters(), Map.of());
        assertEquals(15, p.get("tolerance"));
        assertEquals("sum", p.get("reduction"));
        assertTrue(d.citation().contains("Zhang") && d.citation().contains("2016"));
    }
}
