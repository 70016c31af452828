package dev.loupe.api;

import java.util.Locale;

/**
 * How an attribution's channels become one value per pixel: for heatmaps, for ranking pixels
 * (deletion, insertion) and for comparing maps (pointing game, sanity checks).
 */
public enum ChannelReduction {
    /** The largest absolute value over channels (Captum's visualisation default for unsigned maps). */
    ABS_MAX,
    /** The sum of absolute values. */
    ABS_SUM,
    /** The plain sum: keeps the sign. */
    SUM,
    /** The Euclidean norm over channels. */
    L2;

    /**
     * @param name {@code abs-max}, {@code abs-sum}, {@code sum} or {@code l2} (any case, - or _)
     * @return the reduction
     * @throws LoupeException naming the choices for any other name
     */
    public static ChannelReduction parse(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ChannelReduction r : values()) {
            if (r.name().equals(key)) {
                return r;
            }
        }
        throw new LoupeException("unknown channel reduction '" + name + "'; choose abs-max, abs-sum, sum or l2");
    }

    /** @return the name as users write it, e.g. {@code abs-max} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return whether the reduced map keeps the attribution's sign */
    public boolean signed() {
        return this == SUM;
    }

    /**
     * @param map attributions [N, C, H, W] (any C, including 1) or [N, H, W]
     * @return [N, 1, H, W]
     * @throws LoupeException for other ranks
     */
    public Tensor apply(Tensor map) {
        long[] s = map.shape();
        if (s.length != 3 && s.length != 4) {
            throw new LoupeException("a channel reduction needs a map [N, C, H, W] or [N, H, W]; got "
                    + map.shapeString());
        }
        int n = (int) s[0];
        int c = s.length == 4 ? (int) s[1] : 1;
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        int plane = h * w;
        float[] in = map.data();
        float[] out = new float[n * plane];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                double acc = 0;
                for (int ch = 0; ch < c; ch++) {
                    float v = in[(i * c + ch) * plane + p];
                    acc = switch (this) {
                        case ABS_MAX -> Math.max(acc, Math.abs(v));
                        case ABS_SUM -> acc + Math.abs(v);
                        case SUM -> acc + v;
                        case L2 -> acc + (double) v * v;
                    };
                }
                out[i * plane + p] = (float) (this == L2 ? Math.sqrt(acc) : acc);
            }
        }
        return new Tensor(out, new long[] {n, 1, h, w});
    }
}
