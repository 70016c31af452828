package dev.loupe.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class MapOpsTest {
    @Test
    void halfPixelBilinearDoublingMatchesHandComputedValues() {
        // PyTorch interpolate(scale 2, align_corners=False) of [[0, 4], [8, 12]]: source coordinates
        // -0.25 (clamped to 0), 0.25, 0.75, 1.25 (last pixel twice)
        float[] out = MapOps.bilinear(new float[] {0, 4, 8, 12}, 2, 2, 4, 4, false);
        assertArrayEquals(new float[] {0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12}, out, 1e-6f);
    }

    @Test
    void cornerAlignedBilinearKeepsTheCorners() {
        // UpsamplingBilinear2d to 3×3: source coordinates 0, 0.5, 1
        float[] out = MapOps.bilinear(new float[] {0, 4, 8, 12}, 2, 2, 3, 3, true);
        assertArrayEquals(new float[] {0, 2, 4, 4, 6, 8, 8, 10, 12}, out, 1e-6f);
    }

    @Test
    void nearestReadsFloorOfTheScaledCoordinate() {
        // PyTorch interpolate(mode='nearest') of [[0, 4], [8, 12]] to 3×4: rows 0, 0, 1 (floor(i·2/3)),
        // columns 0, 0, 1, 1
        float[] out = MapOps.nearest(new float[] {0, 4, 8, 12}, 2, 2, 3, 4);
        assertArrayEquals(new float[] {0, 0, 4, 4, 0, 0, 4, 4, 8, 8, 12, 12}, out);
    }

    @Test
    void minMaxScalesEachMapAndLeavesAConstantMapAtZero() {
        float[] maps = {2, 4, 6, 1, 3, 5};
        MapOps.minMax(maps, 3, 0);
        assertArrayEquals(new float[] {0, 0.5f, 1, 0, 0.5f, 1}, maps);
        float[] constant = {3, 3, 3};
        MapOps.minMax(constant, 3, MapOps.MIN_MAX_EPSILON);
        assertArrayEquals(new float[] {0, 0, 0}, constant);
    }

    @Test
    void weightedSumAddsWeightedChannels() {
        LayerValues layer = new LayerValues("l", 1, 2, 1, 2, new float[] {1, 2, 3, 4}, null);
        assertArrayEquals(new float[] {1 * 2 + 3 * -1, 2 * 2 + 4 * -1},
                MapOps.weightedSum(layer, new float[] {2, -1}), 1e-6f);
    }
}
