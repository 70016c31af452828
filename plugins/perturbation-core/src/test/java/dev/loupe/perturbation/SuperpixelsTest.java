package dev.loupe.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuperpixelsTest {

    /** A 3-channel image, red on the left of column {@code edge}, blue on the right, with a little noise. */
    private static float[] halves(int h, int w, int edge, long seed) {
        Random r = new Random(seed);
        float[] img = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean left = x < edge;
                img[y * w + x] = (left ? 0.9f : 0.1f) + 0.02f * (float) r.nextGaussian();
                img[h * w + y * w + x] = 0.2f + 0.02f * (float) r.nextGaussian();
                img[2 * h * w + y * w + x] = (left ? 0.1f : 0.9f) + 0.02f * (float) r.nextGaussian();
            }
        }
        return img;
    }

    @Test
    void superpixelsFollowAColourEdgeAndAreNumberedWithoutGaps() {
        int h = 40;
        int w = 50;
        // the edge falls inside SLIC's initial grid cells, not on their borders
        int edge = 23;
        int[] labels = Superpixels.slic(halves(h, w, edge, 1), 0, 3, h, w, 20, Superpixels.DEFAULT_COMPACTNESS);
        assertEquals(h * w, labels.length);
        int count = Superpixels.count(labels);
        assertTrue(count >= 10 && count <= 30, "about 20 superpixels, got " + count);
        boolean[] seen = new boolean[count];
        int[] side = new int[count];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int l = labels[y * w + x];
                seen[l] = true;
                int s = x < edge ? 1 : 2;
                assertTrue(side[l] == 0 || side[l] == s, "superpixel " + l + " crosses the edge at row " + y);
                side[l] = s;
            }
        }
        for (int l = 0; l < count; l++) {
            assertTrue(seen[l], "label " + l + " is used");
        }
    }

    @Test
    void theInputsNormalisationDoesNotMatter() {
        float[] img = halves(32, 32, 13, 2);
        float[] shifted = new float[img.length + 5];
        for (int i = 0; i < img.length; i++) {
            shifted[5 + i] = (img[i] - 0.4f) / 0.25f;
        }
        assertArrayEquals(Superpixels.slic(img, 0, 3, 32, 32, 16, 10),
                Superpixels.slic(shifted, 5, 3, 32, 32, 16, 10));
    }

    @Test
    void aFlatOrTinyImageStillGetsLabels() {
        // a flat image: position alone decides, the grid's 2 × 2 squares of 8 × 8
        int[] flat = Superpixels.slic(new float[3 * 16 * 16], 0, 3, 16, 16, 4, 10);
        assertEquals(4, Superpixels.count(flat));
        assertEquals(0, flat[0]);
        assertEquals(flat[7 * 16 + 7], flat[0]);
        assertTrue(flat[8 * 16 + 8] != flat[0]);
        int[] tiny = Superpixels.slic(new float[] {0, 1, 2, 3}, 0, 1, 2, 2, 50, 10);
        assertEquals(4, tiny.length);
    }

    /**
     * On the shapes images SLIC's superpixels respect the object's outline: pixels of a superpixel are
     * almost all object or all background (purity ≥ 0.9), better than square cells of the same number.
     */
    @Test
    void onTheShapesImagesSuperpixelsRespectTheObjectOutline() {
        Tensor images = Fixtures.npy(Shapes.file("images.npy"));
        Tensor masks = Fixtures.npy(Shapes.file("masks.npy"));
        for (int i = 0; i < images.batchSize(); i++) {
            int[] labels = Superpixels.slic(images.data(), i * 3 * 64 * 64, 3, 64, 64, 50, 10);
            int count = Superpixels.count(labels);
            assertTrue(count >= 25 && count <= 80, "image " + i + ": " + count + " superpixels");
            float[] object = masks.item(i).data();
            int[] cells = new int[64 * 64];
            int side = (int) Math.round(64 / Math.sqrt(count));
            int perRow = (64 + side - 1) / side;
            for (int p = 0; p < cells.length; p++) {
                cells[p] = (p / 64 / side) * perRow + (p % 64) / side;
            }
            assertConnected(labels, 64, 64);
            double slic = purity(labels, object);
            double grid = purity(cells, object);
            assertTrue(slic >= 0.9 && slic > grid, "image " + i + ": purity " + slic + ", square cells " + grid);
        }
    }

    /** Each superpixel is one 4-connected piece: a flood fill from its first pixel reaches all of it. */
    private static void assertConnected(int[] labels, int h, int w) {
        int n = Superpixels.count(labels);
        int[] size = new int[n];
        for (int l : labels) {
            size[l]++;
        }
        boolean[] done = new boolean[n];
        boolean[] seen = new boolean[labels.length];
        int[] queue = new int[labels.length];
        for (int start = 0; start < labels.length; start++) {
            int l = labels[start];
            if (done[l]) {
                continue;
            }
            done[l] = true;
            int count = 0;
            queue[count++] = start;
            seen[start] = true;
            for (int head = 0; head < count; head++) {
                int p = queue[head];
                int[] next = {p % w > 0 ? p - 1 : -1, p % w < w - 1 ? p + 1 : -1, p - w, p + w};
                for (int q : next) {
                    if (q >= 0 && q < labels.length && !seen[q] && labels[q] == l) {
                        seen[q] = true;
                        queue[count++] = q;
                    }
                }
            }
            assertEquals(size[l], count, "superpixel " + l + " is one connected piece");
        }
    }

    /** The share of pixels that belong to their superpixel's majority (object or background). */
    private static double purity(int[] labels, float[] object) {
        int n = Superpixels.count(labels);
        int[] in = new int[n];
        int[] all = new int[n];
        for (int p = 0; p < labels.length; p++) {
            all[labels[p]]++;
            in[labels[p]] += object[p] > 0 ? 1 : 0;
        }
        int majority = 0;
        for (int l = 0; l < n; l++) {
            majority += Math.max(in[l], all[l] - in[l]);
        }
        return (double) majority / labels.length;
    }
}
