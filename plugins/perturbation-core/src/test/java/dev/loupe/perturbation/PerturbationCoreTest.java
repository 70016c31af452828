package dev.loupe.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.TestContext;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerturbationCoreTest {

    @Test
    void gridCellsAreNumberedRowByRowAndSharedByTheChannels() {
        FeatureMask m = FeatureMask.grid(new long[] {3, 64, 64}, 8, 8);
        assertEquals(64, m.features());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 64; y += 5) {
                for (int x = 0; x < 64; x += 3) {
                    assertEquals((y / 8) * 8 + x / 8, m.id((c * 64 + y) * 64 + x));
                }
            }
        }
        // 5×5 in cells of 2: three cells a side, the last ones one element wide
        FeatureMask cut = FeatureMask.grid(new long[] {1, 5, 5}, 2, 2);
        assertEquals(9, cut.features());
        assertEquals(8, cut.id(24));
        assertArrayEquals(new int[] {24}, cut.elements(8));
        assertArrayEquals(new int[] {0, 1, 5, 6}, cut.elements(0));
    }

    @Test
    void idsAreCompactedInOrder() {
        FeatureMask m = FeatureMask.of(new int[] {10, 30, 10, 20}, new long[] {4});
        assertEquals(3, m.features());
        assertArrayEquals(new int[] {0, 2, 0, 1}, new int[] {m.id(0), m.id(1), m.id(2), m.id(3)});
        LoupeException negative = assertThrows(LoupeException.class,
                () -> FeatureMask.of(new int[] {0, -1}, new long[] {2}));
        assertTrue(negative.getMessage().contains("non-negative"), negative.getMessage());
    }

    @Test
    void npyMasksBroadcastLikeNumPy(@TempDir Path dir) throws Exception {
        long[] batch = {2, 3, 2, 2};
        Path shared = dir.resolve("shared.npy");
        Npy.writeLongs(shared, new long[] {5, 6, 7, 5}, 2, 2);
        List<FeatureMask> s = FeatureMask.fromNpy(shared, batch);
        assertSame(s.get(0), s.get(1));
        assertEquals(3, s.get(0).features());
        assertEquals(s.get(0).id(0), s.get(0).id(4 * 2 + 3), "every channel has the same ids");

        Path perInput = dir.resolve("each.npy");
        Npy.writeLongs(perInput, new long[] {0, 0, 0, 1, 0, 1, 2, 3}, 2, 1, 2, 2);
        List<FeatureMask> e = FeatureMask.fromNpy(perInput, batch);
        assertEquals(2, e.get(0).features());
        assertEquals(4, e.get(1).features());
        assertEquals(3, e.get(1).id(11));

        Path wrong = dir.resolve("wrong.npy");
        Npy.writeLongs(wrong, new long[6], 3, 2);
        LoupeException x = assertThrows(LoupeException.class, () -> FeatureMask.fromNpy(wrong, batch));
        assertTrue(x.getMessage().contains("[3, 2], which does not broadcast"), x.getMessage());
    }

    @Test
    void masksPerturbWhatTheySay() {
        FeatureMask m = FeatureMask.of(new int[] {0, 1, 1, 2}, new long[] {4});
        float[] x = {1, 2, 3, 4};
        float[] b = {-1, -2, -3, -4};
        float[] out = new float[6];
        m.ablate(x, 0, b, 0, 1, out, 2);
        assertArrayEquals(new float[] {0, 0, 1, -2, -3, 4}, out);
        m.compose(x, 0, b, 0, new boolean[] {false, true, false}, out, 1);
        assertArrayEquals(new float[] {0, -1, 2, 3, -4, 4}, out);
        m.spread(new double[] {0.5, 1.5, 2.5}, out, 0);
        assertArrayEquals(new float[] {0.5f, 1.5f, 1.5f, 2.5f, -4, 4}, out);
    }

    @Test
    void superpixelMasksComeFromTheImages() {
        // left half dark, right half bright, in every channel
        float[] image = new float[2 * 3 * 16 * 16];
        for (int p = 0; p < image.length; p++) {
            image[p] = (p % 16) < 8 ? 0 : 1;
        }
        Tensor inputs = new Tensor(image, new long[] {2, 3, 16, 16});
        List<FeatureMask> masks = FeatureMask.parse("superpixels:4", inputs);
        assertEquals(2, masks.size());
        FeatureMask m = masks.get(0);
        assertTrue(m.features() >= 2, "at least one superpixel per half");
        for (int k = 0; k < 256; k++) {
            assertEquals(m.id(k), m.id(512 + k), "the channels share the superpixels");
        }
        for (int f = 0; f < m.features(); f++) {
            int[] e = m.elements(f);
            boolean left = e[0] % 16 < 8;
            for (int k : e) {
                assertEquals(left, k % 16 < 8, "superpixel " + f + " stays on one side of the edge");
            }
        }
        LoupeException flat = assertThrows(LoupeException.class,
                () -> FeatureMask.parse("superpixels", new Tensor(new float[8], new long[] {2, 4})));
        assertTrue(flat.getMessage().contains("need images"), flat.getMessage());
    }

    @Test
    void parseNamesTheFormsItKnows() {
        Tensor inputs = new Tensor(new float[2 * 12], new long[] {2, 1, 3, 4});
        assertEquals(2, FeatureMask.parse("grid:2x4", inputs).get(1).features());
        LoupeException e = assertThrows(LoupeException.class, () -> FeatureMask.parse("cells:3", inputs));
        assertTrue(e.getMessage().contains("grid:S") && e.getMessage().contains(".npy"), e.getMessage());
        LoupeException g = assertThrows(LoupeException.class, () -> FeatureMask.parse("grid:two", inputs));
        assertTrue(g.getMessage().contains("grid:8"), g.getMessage());
    }

    @Test
    void substrates() {
        Tensor x = new Tensor(new float[] {1, 2, 3, 6, 10, 10, 10, 10}, new long[] {1, 2, 2, 2});
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f},
                Substrate.parse("0.5", 1).of(x).data());
        assertArrayEquals(new float[] {3, 3, 3, 3, 10, 10, 10, 10}, Substrate.parse("mean", 1).of(x).data());
        float[] blurred = Substrate.parse("blur", 1).of(x).data();
        for (int k = 4; k < 8; k++) {
            assertEquals(10, blurred[k], 1e-5, "a constant plane stays constant");
        }
        // an impulse in the middle of a plane spreads symmetrically and keeps its mass
        float[] impulse = new float[15 * 15];
        impulse[7 * 15 + 7] = 1;
        float[] b = new Substrate.Blur(1.5).of(new Tensor(impulse, new long[] {1, 1, 15, 15})).data();
        double mass = 0;
        for (float v : b) {
            mass += v;
        }
        assertEquals(1, mass, 1e-5);
        assertEquals(b[7 * 15 + 5], b[7 * 15 + 9], 1e-7);
        assertEquals(b[5 * 15 + 7], b[7 * 15 + 5], 1e-7);
        assertTrue(b[7 * 15 + 7] > b[7 * 15 + 8] && b[7 * 15 + 8] > b[7 * 15 + 9]);
        LoupeException e = assertThrows(LoupeException.class, () -> Substrate.parse("grey", 1));
        assertTrue(e.getMessage().contains("blur") && e.getMessage().contains("mean"), e.getMessage());
    }

    /**
     * RISE's blur against the output of its own recipe (SciPy kernel, torch conv2d with zero padding)
     * on seeded [2, 3, 20, 24] values: src/test/python/rise_blur_reference.py.
     */
    @Test
    void riseBlurMatchesRisesEvaluationCode() throws Exception {
        Tensor x = Npy.readFloats(resource("rise-blur/input.npy"));
        float[] expected = Npy.readFloats(resource("rise-blur/expected.npy")).data();
        Substrate rise = Substrate.parse("rise-blur", 1);
        assertEquals("rise-blur", rise.describe());
        assertArrayEquals(expected, rise.of(x).data(), 1e-5f);
        // zero padding: a constant plane keeps its value inside and fades at the border
        float[] ones = new float[30 * 30];
        Arrays.fill(ones, 1);
        float[] b = rise.of(new Tensor(ones, new long[] {1, 1, 30, 30})).data();
        assertEquals(1, b[15 * 30 + 15], 1e-6);
        assertEquals(36 / 121.0, b[0], 0.01, "a corner sees about 6×6 of the 11×11 nearly flat kernel");
        // rank-2 inputs are blurred along their one axis only
        float[] row = rise.of(new Tensor(Arrays.copyOf(ones, 30), new long[] {1, 30})).data();
        assertEquals(1, row[15], 1e-6);
        assertEquals(6 / 11.0, row[0], 0.01);
    }

    private static Path resource(String name) throws Exception {
        return Path.of(PerturbationCoreTest.class.getResource("/" + name).toURI());
    }

    @Test
    void weightedLeastSquaresRecoversALinearModel() {
        Random r = new Random(3);
        int rows = 200;
        int cols = 5;
        double[] beta = {1.5, -2, 0.25, 3, -0.5};
        double[] x = new double[rows * cols];
        double[] y = new double[rows];
        double[] w = new double[rows];
        for (int s = 0; s < rows; s++) {
            y[s] = 0.75;
            for (int j = 0; j < cols; j++) {
                x[s * cols + j] = r.nextGaussian();
                y[s] += beta[j] * x[s * cols + j];
            }
            w[s] = r.nextDouble();
        }
        // an outlier that only a zero weight can ignore
        y[17] += 100;
        w[17] = 0;
        LinearFit fit = LinearFit.fit(x, cols, y, w, true);
        assertEquals(0.75, fit.intercept(), 1e-9);
        assertArrayEquals(beta, fit.coefficients(), 1e-9);
        LinearFit through = LinearFit.fit(new double[] {1, 2, 3}, 1, new double[] {2, 4, 6}, null, false);
        assertEquals(0, through.intercept());
        assertEquals(2, through.coefficients()[0], 1e-12);
    }

    @Test
    void aRankDeficientDesignGetsTheMinimumNormSolution() {
        // two identical columns: any split a + b = 2 fits, the smallest is 1 and 1 (as lstsq gives)
        double[] x = {1, 1, 2, 2, 3, 3};
        LinearFit fit = LinearFit.fit(x, 2, new double[] {2, 4, 6}, null, false);
        assertArrayEquals(new double[] {1, 1}, fit.coefficients(), 1e-9);
    }

    @Test
    void theSweepHandsBackEveryInputsValuesInOrderForAnyBatchPlan() {
        // f(x) = Σ x; copy s of input i is x_i + s
        FunctionModel sum = new FunctionModel("sum", new long[] {3}, 1,
                in -> in.sum(new int[] {1}, true));
        Tensor x = new Tensor(new float[] {1, 2, 3, 10, 20, 30, -1, -1, -1}, new long[] {3, 3});
        PerturbationSweep.Perturbation plus = (i, s, dest, off) -> {
            for (int k = 0; k < 3; k++) {
                dest[off + k] = x.data()[i * 3 + k] + s;
            }
        };
        for (int batch : new int[] {1, 2, 5, 64}) {
            PerturbationSweep sweep = new PerturbationSweep(sum, Objective.logit(0, 0, 0), x, new TestContext(batch));
            assertArrayEquals(new float[] {6, 60, -3}, sweep.originals());
            float[][] v = sweep.objectives(new int[] {2, 0, 3}, plus, "copies");
            assertArrayEquals(new float[] {6, 9}, v[0], "batch " + batch);
            assertEquals(0, v[1].length);
            assertArrayEquals(new float[] {-3, 0, 3}, v[2], "batch " + batch);
        }
    }
}
