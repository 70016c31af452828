package dev.loupe.render;

import dev.loupe.api.LoupeException;
import java.util.Arrays;

/**
 * One input's attribution map made ready for colouring: reduced to one value per pixel, smoothed,
 * clamped and normalised to [0, 1]. Kept apart from the picture so that a caller can colour it with any
 * {@link Colormap}, compare maps on the same footing, or label a colour bar with the data values.
 *
 * <p>Signed maps (reduction {@code sum}, with both signs or drawn with the diverging colormap) are
 * normalised as {@code 0.5 + v / (2 m)} with {@code m} the clamp level of |v|, so zero lands on 0.5 —
 * white in {@link Colormap#DIVERGING} — and equal evidence for and against looks equally strong. Unsigned
 * maps are normalised as {@code (v - low) / (high - low)}, where the scale always includes zero
 * ({@code low = min(0, min v)}, {@code high = max(0, clamp level of v)}): a map whose values all lie far
 * from zero is not stretched into contrast it does not have (Captum normalises the same way). With
 * {@link HeatmapStyle#floorAtMinimum()} the scale runs between the map's clamped minimum and maximum
 * instead, as pytorch-grad-cam's min–max scaling does.
 *
 * @param values row-major, {@code height × width}, each in [0, 1]
 * @param height the map's height in pixels
 * @param width the map's width in pixels
 * @param signed whether 0.5 means zero attribution (and the scale runs from {@code -high} to {@code high})
 * @param low the data value at the bottom of the colour scale (0 in {@link #values()})
 * @param high the data value at the top of the colour scale (1 in {@link #values()})
 */
public record Heatmap(float[] values, int height, int width, boolean signed, double low, double high) {

    /**
     * Checks that the values fill the size.
     *
     * @throws LoupeException when they do not
     */
    public Heatmap {
        if (values == null || height < 1 || width < 1 || (long) height * width != values.length) {
            throw new LoupeException("a heatmap of " + height + "×" + width + " needs " + ((long) height * width)
                    + " values, got " + (values == null ? "none" : values.length));
        }
    }

    /**
     * @param y the row
     * @param x the column
     * @return the normalised value at that pixel
     */
    public float value(int y, int x) {
        return values[y * width + x];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Heatmap h && h.height == height && h.width == width && h.signed == signed
                && Double.compare(h.low, low) == 0 && Double.compare(h.high, high) == 0
                && Arrays.equals(h.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + height * 17 + width;
    }

    @Override
    public String toString() {
        return "Heatmap[" + height + "×" + width + (signed ? ", signed" : "") + ", " + Canvas.number(low) + " .. "
                + Canvas.number(high) + "]";
    }
}
