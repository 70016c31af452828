package dev.loupe.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselinesTest {
    /** Two 2×4×4 inputs: a ramp and its negation. */
    private static final Tensor INPUTS = inputs();

    private static Tensor inputs() {
        float[] v = new float[2 * 32];
        for (int p = 0; p < 32; p++) {
            v[p] = p;
            v[32 + p] = -p;
        }
        return new Tensor(v, new long[] {2, 2, 4, 4});
    }

    @Test
    void zeroAndBlackAreConstant() {
        Baselines b = new Baselines(INPUTS, 1, 0);
        assertArrayEquals(new float[64], b.single("zero").data());
        float[] black = b.single("black").data();
        for (int p = 0; p < 32; p++) {
            assertEquals(0f, black[p]);
            assertEquals(-31f, black[32 + p]);
        }
    }

    @Test
    void uniformLiesInTheInputRangeAndFollowsTheSeed() {
        float[] u = new Baselines(INPUTS, 1, 7).single("uniform").data();
        for (int p = 0; p < 32; p++) {
            assertTrue(u[p] >= 0 && u[p] <= 31, "input 0 range");
            assertTrue(u[32 + p] >= -31 && u[32 + p] <= 0, "input 1 range");
        }
        assertArrayEquals(u, new Baselines(INPUTS, 1, 7).single("uniform").data());
        assertTrue(!java.util.Arrays.equals(u, new Baselines(INPUTS, 1, 8).single("uniform").data()));
    }

    @Test
    void blurKeepsConstantsAndSmoothsEdges() {
        float[] v = new float[16];
        v[5] = 16;
        Tensor spike = new Tensor(v, new long[] {1, 1, 4, 4});
        float[] blurred = new Baselines(spike, 1, 0).single("blur").data();
        double sum = 0;
        for (float f : blurred) {
            sum += f;
        }
        assertTrue(blurred[5] < 16 && blurred[5] > blurred[6] && blurred[6] > 0, "a spread spike");
        assertEquals(16, sum, 2.5, "mass mostly kept (edges are repeated)");
        float[] flat = new float[16];
        java.util.Arrays.fill(flat, 3);
        assertArrayEquals(flat, new Baselines(new Tensor(flat, new long[] {1, 1, 4, 4}), 2, 0).single("blur").data(), 1e-6f);
    }

    @Test
    void filesGiveOneBaselineForAllOrOnePerInput(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one.npy");
        float[] item = new float[32];
        item[3] = 5;
        Npy.write(one, new Tensor(item, new long[] {2, 4, 4}));
        float[] b = new Baselines(INPUTS, 1, 0).single(one.toString()).data();
        assertEquals(5f, b[3]);
        assertEquals(5f, b[32 + 3]);
        Path wrong = dir.resolve("wrong.npy");
        Npy.write(wrong, new Tensor(new float[48], new long[] {3, 4, 4}));
        LoupeException e = assertThrows(LoupeException.class, () -> new Baselines(INPUTS, 1, 0).single(wrong.toString()));
        assertTrue(e.getMessage().contains("[3, 4, 4]") && e.getMessage().contains("[2, 4, 4]"), e.getMessage());
        LoupeException missing = assertThrows(LoupeException.class,
                () -> new Baselines(INPUTS, 1, 0).single(dir.resolve("none.npy").toString()));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        LoupeException unknown = assertThrows(LoupeException.class, () -> new Baselines(INPUTS, 1, 0).single("gray"));
        assertTrue(unknown.getMessage().contains("zero, black"), unknown.getMessage());
    }

    @Test
    void aDistributionHasEveryKindAndEveryFileRow(@TempDir Path dir) throws Exception {
        Path refs = dir.resolve("refs.npy");
        Npy.write(refs, new Tensor(new float[3 * 32], new long[] {3, 2, 4, 4}));
        List<List<float[]>> d = new Baselines(INPUTS, 1, 0).distribution(List.of("black", refs.toString()));
        assertEquals(2, d.size());
        assertEquals(4, d.get(0).size());
        assertEquals(-31f, d.get(1).get(0)[0]);
    }
}
