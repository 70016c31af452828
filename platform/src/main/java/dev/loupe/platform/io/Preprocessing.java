package dev.loupe.platform.io;

import dev.loupe.api.LoupeException;
import java.util.Arrays;

/**
 * How images become model inputs: resize, scale to [0,1], optional BGR order, then
 * {@code (v - mean) / std} per channel.
 *
 * @param width target width, or 0 to keep the image's
 * @param height target height, or 0 to keep the image's
 * @param mean per-channel mean (one value for all channels, or three)
 * @param std per-channel standard deviation (one value or three)
 * @param bgr whether the model expects blue, green, red channel order
 */
public record Preprocessing(int width, int height, float[] mean, float[] std, boolean bgr) {

    /** No resize, no normalisation, RGB. */
    public static final Preprocessing NONE = new Preprocessing(0, 0, new float[] {0f}, new float[] {1f}, false);

    /**
     * Parses CLI flags.
     *
     * @param resize {@code WxH}, {@code S} (square) or null
     * @param mean comma list or null
     * @param std comma list or null
     * @param bgr BGR order
     * @return the preprocessing
     */
    public static Preprocessing parse(String resize, String mean, String std, boolean bgr) {
        int w = 0;
        int h = 0;
        if (resize != null) {
            String[] p = resize.toLowerCase().split("x");
            try {
                w = Integer.parseInt(p[0].trim());
                h = p.length > 1 ? Integer.parseInt(p[1].trim()) : w;
            } catch (NumberFormatException e) {
                throw new LoupeException("--resize must be WIDTHxHEIGHT or SIZE, e.g. 224x224; got '" + resize + "'");
            }
        }
        return new Preprocessing(w, h, floats("--mean", mean, 0f), floats("--std", std, 1f), bgr);
    }

    private static float[] floats(String flag, String s, float dflt) {
        if (s == null) {
            return new float[] {dflt};
        }
        try {
            String[] p = s.split(",");
            float[] out = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = Float.parseFloat(p[i].trim());
            }
            if (out.length != 1 && out.length != 3) {
                throw new LoupeException(flag + " needs one value or three (one per channel); got " + Arrays.toString(out));
            }
            return out;
        } catch (NumberFormatException e) {
            throw new LoupeException(flag + " must be numbers separated by commas; got '" + s + "'");
        }
    }

    /** @return the mean of channel {@code c} */
    public float meanOf(int c) {
        return mean[mean.length == 1 ? 0 : c];
    }

    /** @return the standard deviation of channel {@code c} */
    public float stdOf(int c) {
        return std[std.length == 1 ? 0 : c];
    }
}
