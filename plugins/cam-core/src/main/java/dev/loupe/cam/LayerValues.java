package dev.loupe.cam;

/**
 * One layer's values for a batch, in plain Java memory, [N, C, H, W] row-major.
 *
 * @param name the layer's tensor name
 * @param images N
 * @param channels C
 * @param height H
 * @param width W
 * @param activations the layer's values A
 * @param gradients d objective / d A, or null for forward-only methods
 */
public record LayerValues(String name, int images, int channels, int height, int width, float[] activations,
        float[] gradients) {

    /** @return H·W, the size of one channel's map */
    public int plane() {
        return height * width;
    }

    /** @return where channel {@code channel} of image {@code image} starts */
    public int offset(int image, int channel) {
        return (image * channels + channel) * plane();
    }

    /** @return the gradient, or an error saying the method needs one */
    public float[] requireGradients() {
        if (gradients == null) {
            throw new IllegalStateException("this CAM formula needs gradients; build its method with gradients=true");
        }
        return gradients;
    }

    /** @return the values' shape, [N, C, H, W] */
    public long[] shape() {
        return new long[] {images, channels, height, width};
    }
}
