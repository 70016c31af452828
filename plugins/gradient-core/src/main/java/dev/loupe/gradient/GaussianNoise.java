package dev.loupe.gradient;

import java.util.SplittableRandom;

/**
 * Gaussian noise that depends only on (seed, input, sample): every noisy copy draws from its own
 * generator, so results do not depend on batching or on the order copies are made in.
 */
public final class GaussianNoise {
    private GaussianNoise() {
    }

    /**
     * @param seed the user's seed
     * @param input the input index
     * @param sample the copy's index
     * @return a generator for that copy
     */
    public static SplittableRandom random(long seed, int input, int sample) {
        // SplittableRandom mixes its seed; spread the three parts so nearby copies get unrelated streams
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + input * 0xC2B2AE3D27D4EB4FL + sample * 0x165667B19E3779F9L);
    }

    /**
     * Writes {@code src + sigma · N(0, 1)} elementwise.
     *
     * @param src the clean values
     * @param srcOffset first clean value
     * @param dest where to write
     * @param destOffset first position in {@code dest}
     * @param length how many values
     * @param sigma the standard deviation
     * @param random the copy's generator
     */
    public static void add(float[] src, int srcOffset, float[] dest, int destOffset, int length, double sigma,
            SplittableRandom random) {
        for (int p = 0; p < length; p++) {
            dest[destOffset + p] = (float) (src[srcOffset + p] + sigma * random.nextGaussian());
        }
    }

    /**
     * The paper's noise level: σ = level · (max − min) of one input.
     *
     * @param x values
     * @param offset the input's first value
     * @param length the input's size
     * @param level e.g. 0.15
     * @return σ
     */
    public static double relativeSigma(float[] x, int offset, int length, double level) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = offset; p < offset + length; p++) {
            min = Math.min(min, x[p]);
            max = Math.max(max, x[p]);
        }
        return level * ((double) max - min);
    }
}
