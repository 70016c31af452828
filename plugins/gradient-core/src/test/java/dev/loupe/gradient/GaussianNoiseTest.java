package dev.loupe.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

    @Test
    void eachCopyHasItsOwnReproducibleStream() {
        float[] src = new float[100_000];
        float[] a = new float[src.length];
        float[] b = new float[src.length];
        float[] c = new float[src.length];
        GaussianNoise.add(src, 0, a, 0, src.length, 2.0, GaussianNoise.random(1, 0, 3));
        GaussianNoise.add(src, 0, b, 0, src.length, 2.0, GaussianNoise.random(1, 0, 3));
        GaussianNoise.add(src, 0, c, 0, src.length, 2.0, GaussianNoise.random(1, 0, 4));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        double mean = 0;
        double sq = 0;
        for (float v : a) {
            mean += v;
            sq += v * v;
        }
        mean /= a.length;
        assertEquals(0, mean, 0.03);
        assertEquals(2.0, Math.sqrt(sq / a.length - mean * mean), 0.03);
    }

    @Test
    void relativeSigmaScalesWithTheRange() {
        assertEquals(0.15 * 4, GaussianNoise.relativeSigma(new float[] {9, -1, 3, 1, 2}, 1, 3, 0.15), 1e-12);
    }
}
