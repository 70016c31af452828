package dev.loupe.inspect.actmax;

/**
 * The image penalties subtracted from the objective, with their gradients. Both are sums over the
 * image (as Lucid's), so their weights compare with a logit or a channel mean of one image.
 */
final class Penalties {
    private Penalties() {
    }

    /**
     * L2: Σ (image − 0.5)², pulling towards grey.
     *
     * @param image [C·H·W] in [0, 1]
     * @param weight the penalty's weight
     * @param grad receives − weight · d/d image (added)
     * @return the penalty's value times the weight
     */
    static double l2(double[] image, double weight, double[] grad) {
        if (weight == 0) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < image.length; i++) {
            double d = image[i] - 0.5;
            s += d * d;
            grad[i] -= weight * 2 * d;
        }
        return weight * s;
    }

    /**
     * Anisotropic total variation (tf.image.total_variation): Σ |image[y, x+1] − image[y, x]| +
     * |image[y+1, x] − image[y, x]| per channel.
     *
     * @param image [C·H·W]
     * @param weight the penalty's weight
     * @param grad receives − weight · d/d image (a subgradient: sign(0) = 0), added
     * @return the penalty's value times the weight
     */
    static double totalVariation(double[] image, int channels, int h, int w, double weight, double[] grad) {
        if (weight == 0) {
            return 0;
        }
        double s = 0;
        for (int c = 0; c < channels; c++) {
            int base = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int q = base + y * w + x;
                    if (x + 1 < w) {
                        double d = image[q + 1] - image[q];
                        s += Math.abs(d);
                        double sg = Math.signum(d) * weight;
                        grad[q + 1] -= sg;
                        grad[q] += sg;
                    }
                    if (y + 1 < h) {
                        double d = image[q + w] - image[q];
                        s += Math.abs(d);
                        double sg = Math.signum(d) * weight;
                        grad[q + w] -= sg;
                        grad[q] += sg;
                    }
                }
            }
        }
        return weight * s;
    }
}
