package dev.loupe.testkit;

import dev.loupe.api.Tensor;
import java.util.SplittableRandom;

/**
 * Fresh images like the shapes fixture ({@code ../shared/fixtures/shapes}), as many as a test needs:
 * 3×64×64, one flat-coloured object — 0 circle, 1 square, 2 triangle (pointing up), 3 cross — of
 * random colour, size and position on a smooth textured background, with its pixel mask. Matched to
 * the fixture's eight samples: background mean ≈ 0.35 and standard deviation ≈ 0.09 per channel
 * (independent channels; a Gaussian-blurred field, σ ≈ 3.7 px, carrying 80 % of the variance plus
 * fine pixel noise, which gives the fixture's autocorrelation of ≈ 0.77, 0.59 and 0.23 at lags 1, 4
 * and 8), objects 15–27 px across with hard edges, cross arms about a quarter of the object wide, and
 * colour channels uniform in [0.15, 1] with at least one channel ≥ 0.6 so that the object stands
 * out. Seeded: the same seed gives the same images.
 */
public final class ShapesGenerator {
    /** Image side. */
    public static final int SIZE = 64;
    /** The class names by label. */
    public static final String[] CLASSES = {"circle", "square", "triangle", "cross"};

    private static final double BACKGROUND_MEAN = 0.35;
    private static final double SMOOTH_STD = 0.08;
    private static final double FINE_STD = 0.04;
    private static final double BLUR_SIGMA = 3.65;

    private ShapesGenerator() {
    }

    /**
     * A generated batch.
     *
     * @param images [N, 3, 64, 64] in [0, 1]
     * @param inputs [N, 3, 64, 64], the model inputs (images − 0.4) / 0.25
     * @param labels N classes (0 circle, 1 square, 2 triangle, 3 cross)
     * @param masks [N, 64, 64], 1 on the object's pixels
     */
    public record Batch(Tensor images, Tensor inputs, int[] labels, Tensor masks) {
    }

    /**
     * @param n how many images
     * @param seed the random seed
     * @return {@code n} images with classes drawn uniformly
     */
    public static Batch generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(CLASSES.length);
        }
        return generate(labels, random.nextLong());
    }

    /**
     * @param labels the class of each image to draw
     * @param seed the random seed
     * @return one image per label
     */
    public static Batch generate(int[] labels, long seed) {
        int n = labels.length;
        int plane = SIZE * SIZE;
        float[] images = new float[n * 3 * plane];
        float[] masks = new float[n * plane];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= CLASSES.length) {
                throw new IllegalArgumentException("label " + labels[i] + " is not a shape class (0..3)");
            }
            SplittableRandom r = random.split();
            for (int c = 0; c < 3; c++) {
                double[] field = background(r);
                for (int q = 0; q < plane; q++) {
                    images[(i * 3 + c) * plane + q] = (float) field[q];
                }
            }
            boolean[] object = object(labels[i], r);
            double[] colour = colour(r);
            for (int q = 0; q < plane; q++) {
                if (object[q]) {
                    masks[i * plane + q] = 1;
                    for (int c = 0; c < 3; c++) {
                        images[(i * 3 + c) * plane + q] = (float) colour[c];
                    }
                }
            }
        }
        float[] inputs = new float[images.length];
        for (int k = 0; k < images.length; k++) {
            inputs[k] = (images[k] - 0.4f) / 0.25f;
        }
        long[] shape = {n, 3, SIZE, SIZE};
        return new Batch(new Tensor(images, shape), new Tensor(inputs, shape.clone()), labels.clone(),
                new Tensor(masks, new long[] {n, SIZE, SIZE}));
    }

    /** One channel of background: mean 0.35, a blurred random field plus fine noise, clipped to [0, 1]. */
    private static double[] background(SplittableRandom r) {
        int plane = SIZE * SIZE;
        double[] noise = new double[plane];
        for (int q = 0; q < plane; q++) {
            noise[q] = gaussian(r);
        }
        double[] smooth = blur(noise, BLUR_SIGMA);
        double mean = 0;
        for (double v : smooth) {
            mean += v;
        }
        mean /= plane;
        double var = 0;
        for (double v : smooth) {
            var += (v - mean) * (v - mean);
        }
        double scale = SMOOTH_STD / Math.sqrt(var / plane);
        double[] out = new double[plane];
        for (int q = 0; q < plane; q++) {
            double v = BACKGROUND_MEAN + (smooth[q] - mean) * scale + FINE_STD * gaussian(r);
            out[q] = Math.min(1, Math.max(0, v));
        }
        return out;
    }

    /** A separable Gaussian blur with reflected borders. */
    private static double[] blur(double[] in, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        double[] rows = new double[in.length];
        double[] out = new double[in.length];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) {
                    s += kernel[k + radius] * in[y * SIZE + reflect(x + k)];
                }
                rows[y * SIZE + x] = s;
            }
        }
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) {
                    s += kernel[k + radius] * rows[reflect(y + k) * SIZE + x];
                }
                out[y * SIZE + x] = s;
            }
        }
        return out;
    }

    private static int reflect(int i) {
        int p = Math.floorMod(i, 2 * SIZE);
        return p < SIZE ? p : 2 * SIZE - 1 - p;
    }

    /** The object's pixels: half-extent 7..13 px, wholly inside the image with a 2-pixel margin. */
    private static boolean[] object(int label, SplittableRandom r) {
        int half = 7 + r.nextInt(7);
        int lo = half + 2;
        int hi = SIZE - 1 - half - 2;
        int cx = lo + r.nextInt(hi - lo + 1);
        int cy = lo + r.nextInt(hi - lo + 1);
        boolean[] m = new boolean[SIZE * SIZE];
        // a square fills its box; shrink it so that its area is comparable with the other shapes'
        int sq = (int) Math.round(half * 0.8);
        double arm = Math.max(1.5, (2 * half + 1) * 0.27 / 2);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int dx = x - cx;
                int dy = y - cy;
                boolean in = switch (label) {
                    case 0 -> dx * dx + dy * dy <= half * half + half;
                    case 1 -> Math.abs(dx) <= sq && Math.abs(dy) <= sq;
                    // apex at the top, base at the bottom; the width grows with the row
                    case 2 -> dy >= -half && dy <= half && Math.abs(dx) <= (dy + half) / 2.0 + 0.5;
                    default -> (Math.abs(dx) <= half && Math.abs(dy) < arm) || (Math.abs(dy) <= half && Math.abs(dx) < arm);
                };
                m[y * SIZE + x] = in;
            }
        }
        return m;
    }

    private static double[] colour(SplittableRandom r) {
        while (true) {
            double[] c = {0.15 + 0.85 * r.nextDouble(), 0.15 + 0.85 * r.nextDouble(), 0.15 + 0.85 * r.nextDouble()};
            if (Math.max(c[0], Math.max(c[1], c[2])) >= 0.6) {
                return c;
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
