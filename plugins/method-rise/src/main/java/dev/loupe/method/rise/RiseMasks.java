package dev.loupe.method.rise;

import java.util.SplittableRandom;

/**
 * RISE's masks: per mask a binary {@code grid × grid} pattern, upsampled bilinearly (half-pixel
 * centres, edges clamped) to {@code (grid + 1)} cells of {@code ceil(H / grid) × ceil(W / grid)} pixels
 * and cropped to {@code H × W} at a random shift smaller than one cell. Only the patterns and shifts
 * are stored; a full-resolution mask is made when an input is filled, so memory stays at
 * {@code count · grid²} bytes however large the image.
 *
 * <p>Saliency is linear in the patterns, so {@link Accumulator} sums {@code score · pattern} per
 * shift on the small grid and upsamples each shift's sum once at the end, instead of adding
 * {@code count} full-resolution masks.
 */
final class RiseMasks {
    private final int count;
    private final int grid;
    private final int height;
    private final int width;
    private final int cellH;
    private final int cellW;
    private final float[] patterns;
    private final int[] shiftY;
    private final int[] shiftX;
    /** Bilinear taps along each axis for every position of the upsampled grid. */
    private final Taps tapsY;
    private final Taps tapsX;

    /**
     * Masks from given patterns and shifts: tests inject them to check the definition.
     *
     * @param patterns {@code count · grid · grid} cell values, row-major per mask
     * @param shiftY per mask, the crop's first row in the upsampled grid, in {@code [0, ceil(H / grid))}
     * @param shiftX per mask, the crop's first column, in {@code [0, ceil(W / grid))}
     */
    RiseMasks(int grid, int height, int width, float[] patterns, int[] shiftY, int[] shiftX) {
        this.grid = grid;
        this.height = height;
        this.width = width;
        this.cellH = ceilDiv(height, grid);
        this.cellW = ceilDiv(width, grid);
        this.count = shiftY.length;
        if (patterns.length != count * grid * grid || shiftX.length != count) {
            throw new IllegalArgumentException("need " + count + " patterns of " + grid + "x" + grid + " and shifts");
        }
        for (int n = 0; n < count; n++) {
            if (shiftY[n] < 0 || shiftY[n] >= cellH || shiftX[n] < 0 || shiftX[n] >= cellW) {
                throw new IllegalArgumentException("shift of mask " + n + " outside one cell");
            }
        }
        this.patterns = patterns;
        this.shiftY = shiftY;
        this.shiftX = shiftX;
        this.tapsY = new Taps(grid, (grid + 1) * cellH);
        this.tapsX = new Taps(grid, (grid + 1) * cellW);
    }

    /**
     * Random masks: each cell is kept with probability {@code p}; shifts are uniform within a cell.
     * The draws depend on the seed only, so every batch plan sees the same masks.
     */
    static RiseMasks random(int count, int grid, double p, int height, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int cells = grid * grid;
        float[] patterns = new float[Math.multiplyExact(count, cells)];
        int[] sy = new int[count];
        int[] sx = new int[count];
        int ch = ceilDiv(height, grid);
        int cw = ceilDiv(width, grid);
        for (int n = 0; n < count; n++) {
            for (int c = 0; c < cells; c++) {
                patterns[n * cells + c] = random.nextDouble() < p ? 1f : 0f;
            }
            sy[n] = random.nextInt(ch);
            sx[n] = random.nextInt(cw);
        }
        return new RiseMasks(grid, height, width, patterns, sy, sx);
    }

    int count() {
        return count;
    }

    int grid() {
        return grid;
    }

    /** @return the cell value of mask {@code n} at grid row {@code i}, column {@code j} */
    float cell(int n, int i, int j) {
        return patterns[(n * grid + i) * grid + j];
    }

    int shiftY(int n) {
        return shiftY[n];
    }

    int shiftX(int n) {
        return shiftX[n];
    }

    /**
     * Writes mask {@code n} at full resolution.
     *
     * @param dest {@code H · W} values, row-major
     * @param rows scratch of {@code grid · W} values (the pattern interpolated along x)
     */
    void mask(int n, float[] dest, float[] rows) {
        float[] src = patterns;
        int offset = n * grid * grid;
        int dy = shiftY[n];
        int dx = shiftX[n];
        // separable: along x for each pattern row, then along y
        for (int i = 0; i < grid; i++) {
            int r = offset + i * grid;
            for (int x = 0; x < width; x++) {
                int o = x + dx;
                float f = tapsX.frac[o];
                rows[i * width + x] = (1 - f) * src[r + tapsX.lo[o]] + f * src[r + tapsX.hi[o]];
            }
        }
        for (int y = 0; y < height; y++) {
            int o = y + dy;
            float f = tapsY.frac[o];
            int lo = tapsY.lo[o] * width;
            int hi = tapsY.hi[o] * width;
            int d = y * width;
            for (int x = 0; x < width; x++) {
                dest[d + x] = (1 - f) * rows[lo + x] + f * rows[hi + x];
            }
        }
    }

    /** @return a per-input sum of {@code score · mask}; feed it scores in a fixed order for fixed results */
    Accumulator accumulator() {
        return new Accumulator();
    }

    /** Σ score · mask for one input, kept as one summed pattern per shift (double precision). */
    final class Accumulator {
        private final double[] sums = new double[cellH * cellW * grid * grid];
        private final boolean[] used = new boolean[cellH * cellW];

        /** Adds {@code score · mask n}. */
        void add(int n, double score) {
            int shift = shiftY[n] * cellW + shiftX[n];
            used[shift] = true;
            int cells = grid * grid;
            int base = shift * cells;
            int src = n * cells;
            for (int c = 0; c < cells; c++) {
                sums[base + c] += score * patterns[src + c];
            }
        }

        /**
         * @param scale the factor applied to the sum (RISE: {@code 1 / (N · p)})
         * @param dest where to write the {@code H · W} map
         * @param offset the map's first position in {@code dest}
         */
        void result(double scale, float[] dest, int offset) {
            int cells = grid * grid;
            double[] rows = new double[grid * width];
            double[] total = new double[height * width];
            for (int shift = 0; shift < used.length; shift++) {
                if (!used[shift]) {
                    continue;
                }
                int base = shift * cells;
                int dx = shift % cellW;
                int dy = shift / cellW;
                // the same separable upsampling as mask(), in double on the summed pattern
                for (int i = 0; i < grid; i++) {
                    int r = base + i * grid;
                    for (int x = 0; x < width; x++) {
                        int o = x + dx;
                        double f = tapsX.frac[o];
                        rows[i * width + x] = (1 - f) * sums[r + tapsX.lo[o]] + f * sums[r + tapsX.hi[o]];
                    }
                }
                for (int y = 0; y < height; y++) {
                    int o = y + dy;
                    double f = tapsY.frac[o];
                    int lo = tapsY.lo[o] * width;
                    int hi = tapsY.hi[o] * width;
                    int d = y * width;
                    for (int x = 0; x < width; x++) {
                        total[d + x] += (1 - f) * rows[lo + x] + f * rows[hi + x];
                    }
                }
            }
            for (int p = 0; p < total.length; p++) {
                dest[offset + p] = (float) (total[p] * scale);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** For each output position of an upsampling from {@code in} to {@code out}: two taps and a weight. */
    private static final class Taps {
        final int[] lo;
        final int[] hi;
        final float[] frac;

        Taps(int in, int out) {
            lo = new int[out];
            hi = new int[out];
            frac = new float[out];
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                // half-pixel centres (skimage's resize, PyTorch's align_corners=false); beyond the outer
                // centres the edge value holds
                double s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
                int i = (int) Math.floor(s);
                lo[o] = i;
                hi[o] = Math.min(i + 1, in - 1);
                frac[o] = (float) (s - i);
            }
        }
    }
}
