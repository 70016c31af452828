package dev.loupe.render;

import dev.loupe.api.ChannelReduction;
import dev.loupe.api.LoupeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an attribution map becomes a picture. One value object for the choices every heatmap makes (and
 * that change what a reader concludes), so that the CLI, the embedding API and a report all name them
 * the same way and a figure can say exactly how it was drawn ({@link #options()}).
 *
 * @param reduction how the map's channels become one value per pixel
 * @param clampPercentile values beyond this percentile are clamped, so one extreme pixel does not wash
 *        out the rest: signed maps clamp symmetrically at ± the percentile of |v|, unsigned maps at the
 *        percentile of v; in (0, 100], 100 = no clamping
 * @param smoothingSigma Gaussian blur in pixels of the map, 0 = none (separable kernel of radius
 *        ceil(3σ), edges clamped)
 * @param colormap the colour scale; {@code null} = automatic: {@link Colormap#DIVERGING} when the map is
 *        drawn signed (see {@link Heatmap#signed()}), {@link Colormap#VIRIDIS} otherwise
 * @param opacity of the heatmap over the input image, in [0, 1]; without an image the heatmap is opaque
 * @param colorBar whether a vertical colour bar with the scale's end values (and 0 for signed maps) is
 *        appended at the right
 * @param floorAtMinimum whether an unsigned map's scale starts at the map's own clamped minimum instead of
 *        at zero (see {@link #withFloorAtMinimum})
 */
public record HeatmapStyle(ChannelReduction reduction, double clampPercentile, double smoothingSigma,
        Colormap colormap, double opacity, boolean colorBar, boolean floorAtMinimum) {

    /** The option keys {@link #parse(Map)} understands, in the order {@link #options()} writes them. */
    public static final List<String> OPTION_KEYS =
            List.of("reduction", "clamp", "smooth", "colormap", "opacity", "colorbar", "floor");

    /**
     * Checks the ranges.
     *
     * @throws LoupeException naming the value that is out of range
     */
    public HeatmapStyle {
        if (reduction == null) {
            throw new LoupeException("a heatmap style needs a channel reduction (abs-max, abs-sum, sum or l2)");
        }
        if (!(clampPercentile > 0 && clampPercentile <= 100)) {
            throw new LoupeException("heatmap clamp percentile must be in (0, 100] (100 = no clamping); got "
                    + clampPercentile);
        }
        if (!(smoothingSigma >= 0) || Double.isInfinite(smoothingSigma)) {
            throw new LoupeException("heatmap smoothing sigma must be 0 (none) or a positive number of pixels; got "
                    + smoothingSigma);
        }
        if (!(opacity >= 0 && opacity <= 1)) {
            throw new LoupeException("heatmap opacity must be in [0, 1]; got " + opacity);
        }
    }

    /**
     * The style a user gets without options: the sum of absolute values over channels (how much each
     * pixel matters, whatever the sign: readable for every method), clamped at the 99th percentile, not
     * smoothed, automatic colormap (so viridis, as the absolute sum is unsigned), half-transparent over the
     * input, no colour bar. Choose {@code reduction=sum} to see the sign in blue and red.
     *
     * @return abs-sum, 99, 0, automatic, 0.5, no colour bar, unsigned scale from zero
     */
    public static HeatmapStyle defaults() {
        return new HeatmapStyle(ChannelReduction.ABS_SUM, 99.0, 0, null, 0.5, false, false);
    }

    /**
     * Reads the options users write on the command line or in a request, starting from
     * {@link #defaults()}: {@code reduction} (abs-max, abs-sum, sum, l2), {@code clamp} (a percentile in
     * (0, 100], or none), {@code smooth} (sigma in pixels), {@code colormap} (auto, viridis, jet, diverging,
     * bwr, gray), {@code opacity} ([0, 1]), {@code colorbar} (true/false, yes/no, on/off, 1/0),
     * {@code floor} (zero or min: where an unsigned map's scale starts). Keys are case-insensitive.
     *
     * @param options key to value; {@code null} or empty gives the defaults
     * @return the style
     * @throws LoupeException listing the keys for an unknown key, or naming the key and value for a value
     *         that is not understood or out of range
     */
    public static HeatmapStyle parse(Map<String, String> options) {
        HeatmapStyle s = defaults();
        if (options == null) {
            return s;
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey() == null ? "" : e.getKey().trim().toLowerCase(Locale.ROOT);
            String raw = e.getValue();
            String value = raw == null ? "" : raw.trim();
            try {
                s = switch (key) {
                    case "reduction" -> s.withReduction(ChannelReduction.parse(value));
                    case "clamp" -> s.withClampPercentile(isNone(value) ? 100 : number(value));
                    case "smooth" -> s.withSmoothingSigma(isNone(value) ? 0 : number(value));
                    case "colormap" -> s.withColormap("auto".equalsIgnoreCase(value) ? null : Colormap.parse(value));
                    case "opacity" -> s.withOpacity(number(value));
                    case "colorbar" -> s.withColorBar(bool(value));
                    case "floor" -> s.withFloorAtMinimum(floor(value));
                    default -> throw new LoupeException("unknown heatmap option '" + e.getKey()
                            + "'; the options are " + String.join(", ", OPTION_KEYS));
                };
            } catch (LoupeException ex) {
                if (!OPTION_KEYS.contains(key)) {
                    throw ex;
                }
                throw new LoupeException("heatmap option " + key + "='" + raw + "' is not valid: "
                        + ex.getMessage(), ex);
            }
        }
        return s;
    }

    /**
     * @return the options that {@link #parse(Map)} turns back into this style, in {@link #OPTION_KEYS}
     *         order: for a figure's caption or a report's parameter table
     */
    public Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("reduction", reduction.id());
        m.put("clamp", plain(clampPercentile));
        m.put("smooth", plain(smoothingSigma));
        m.put("colormap", colormap == null ? "auto" : colormap.id());
        m.put("opacity", plain(opacity));
        m.put("colorbar", Boolean.toString(colorBar));
        m.put("floor", floorAtMinimum ? "min" : "zero");
        return m;
    }

    /**
     * @param signed whether the map is drawn signed
     * @return the colormap to draw with: the chosen one, or the automatic choice for such a map
     */
    public Colormap colormapFor(boolean signed) {
        return colormap != null ? colormap : signed ? Colormap.DIVERGING : Colormap.VIRIDIS;
    }

    /**
     * @param r the channel reduction
     * @return this style with it
     */
    public HeatmapStyle withReduction(ChannelReduction r) {
        return new HeatmapStyle(r, clampPercentile, smoothingSigma, colormap, opacity, colorBar, floorAtMinimum);
    }

    /**
     * @param p the clamp percentile, 100 = none
     * @return this style with it
     */
    public HeatmapStyle withClampPercentile(double p) {
        return new HeatmapStyle(reduction, p, smoothingSigma, colormap, opacity, colorBar, floorAtMinimum);
    }

    /**
     * @param sigma the smoothing sigma in pixels, 0 = none
     * @return this style with it
     */
    public HeatmapStyle withSmoothingSigma(double sigma) {
        return new HeatmapStyle(reduction, clampPercentile, sigma, colormap, opacity, colorBar, floorAtMinimum);
    }

    /**
     * @param c the colormap, {@code null} = automatic
     * @return this style with it
     */
    public HeatmapStyle withColormap(Colormap c) {
        return new HeatmapStyle(reduction, clampPercentile, smoothingSigma, c, opacity, colorBar, floorAtMinimum);
    }

    /**
     * @param o the opacity over the input image
     * @return this style with it
     */
    public HeatmapStyle withOpacity(double o) {
        return new HeatmapStyle(reduction, clampPercentile, smoothingSigma, colormap, o, colorBar, floorAtMinimum);
    }

    /**
     * @param on whether to append a colour bar
     * @return this style with it
     */
    public HeatmapStyle withColorBar(boolean on) {
        return new HeatmapStyle(reduction, clampPercentile, smoothingSigma, colormap, opacity, on, floorAtMinimum);
    }

    /**
     * @param fromMinimum whether an unsigned map's scale starts at its (clamped) minimum, stretching a
     *        map with a constant offset (RISE's) to the full colour range, as pytorch-grad-cam does; by
     *        default it starts at zero, as Captum's does
     * @return this style with it
     */
    public HeatmapStyle withFloorAtMinimum(boolean fromMinimum) {
        return new HeatmapStyle(reduction, clampPercentile, smoothingSigma, colormap, opacity, colorBar, fromMinimum);
    }

    private static boolean floor(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "zero", "0" -> false;
            case "min", "minimum" -> true;
            default -> throw new LoupeException("expected zero or min");
        };
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean isNone(String v) {
        return v.equalsIgnoreCase("none") || v.equalsIgnoreCase("off");
    }

    private static double number(String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new LoupeException("expected a number");
        }
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new LoupeException("expected true or false");
        };
    }
}
