package dev.loupe.metric.localization;

import dev.loupe.api.Attribution;
import dev.loupe.api.ChannelReduction;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the localisation metrics share: the channel-reduced maps and the object masks at the maps'
 * size. Masks of another size are resized by nearest neighbour (source pixel ⌊y · H_mask / H⌋, as
 * PyTorch's {@code nearest}); a mask value of 0.5 or more marks an object pixel. A mask with no object
 * pixel at the map's size leaves its input not evaluable.
 */
final class Localization {
    static final List<String> REDUCTIONS = Arrays.stream(ChannelReduction.values()).map(ChannelReduction::id)
            .toList();

    private Localization() {
    }

    /**
     * The maps and masks of one evaluation.
     *
     * @param n the number of inputs
     * @param height the map's height
     * @param width the map's width
     * @param maps the reduced maps, [N · H · W]
     * @param objects per input, the object pixels at the map's size, or null when the mask has none
     * @param targets the explained class of each input, or null when the attribution has none
     */
    record Maps(int n, int height, int width, float[] maps, boolean[][] objects, int[] targets) {
        /** @return the number of inputs whose mask has no object pixel */
        int skipped() {
            int s = 0;
            for (boolean[] o : objects) {
                s += o == null ? 1 : 0;
            }
            return s;
        }
    }

    /** @return the {@code reduction} parameter, default {@code sum} */
    static ParameterSpec reduction(String why) {
        return ParameterSpec.choice("reduction", ChannelReduction.SUM.id(), REDUCTIONS,
                "how the attribution's channels become one value per pixel; " + why);
    }

    /** Checks the given parameters against the descriptor (typed or as text) and fills in the defaults. */
    static Map<String, Object> resolve(MetricDescriptor descriptor, Map<String, Object> given) {
        Map<String, String> raw = new LinkedHashMap<>();
        given.forEach((k, v) -> raw.put(k, String.valueOf(v)));
        return ParameterSpec.resolve(descriptor.id(), descriptor.parameters(), raw);
    }

    /**
     * @param id the metric, for messages
     * @param input the metric's input
     * @param reduction how channels become one value per pixel
     * @return the reduced maps and the masks at their size
     * @throws LoupeException when masks are missing or do not fit the maps
     */
    static Maps prepare(String id, Metric.Input input, ChannelReduction reduction) {
        Attribution attribution = input.attribution();
        if (attribution == null || attribution.map() == null) {
            throw new LoupeException(id + " judges an attribution; none was given");
        }
        Tensor masks = input.masks();
        if (masks == null) {
            throw new LoupeException(id + " needs object masks (1 = object pixel), one per input: give them as an"
                    + " .npy array [N, H, W] with `loupe evaluate --masks MASKS.npy`");
        }
        Tensor map = attribution.map();
        long[] s = map.shape();
        if (s.length != 3 && s.length != 4) {
            throw new LoupeException(id + " needs a map [N, C, H, W] or [N, H, W]; got " + map.shapeString());
        }
        int n = Math.toIntExact(s[0]);
        int h = Math.toIntExact(s[s.length - 2]);
        int w = Math.toIntExact(s[s.length - 1]);
        long[] ms = masks.shape();
        boolean rank3 = ms.length == 3;
        if (!(rank3 || (ms.length == 4 && ms[1] == 1)) || ms[0] != n) {
            throw new LoupeException(id + ": the masks " + masks.shapeString() + " do not fit the attribution "
                    + map.shapeString() + "; give one mask per input, [" + n + ", H, W] (1 = object pixel)");
        }
        int mh = Math.toIntExact(ms[ms.length - 2]);
        int mw = Math.toIntExact(ms[ms.length - 1]);
        if (mh == 0 || mw == 0) {
            throw new LoupeException(id + ": the masks " + masks.shapeString() + " are empty");
        }
        float[] reduced = reduction.apply(map).data();
        for (int k = 0; k < reduced.length; k++) {
            if (Float.isNaN(reduced[k])) {
                throw new LoupeException(id + ": the attribution of input " + k / (h * w) + " has NaN values");
            }
        }
        float[] m = masks.data();
        boolean[][] objects = new boolean[n][];
        for (int i = 0; i < n; i++) {
            boolean[] o = new boolean[h * w];
            boolean any = false;
            for (int y = 0; y < h; y++) {
                int sy = (int) ((long) y * mh / h);
                for (int x = 0; x < w; x++) {
                    int sx = (int) ((long) x * mw / w);
                    o[y * w + x] = m[(i * mh + sy) * mw + sx] >= 0.5f;
                    any |= o[y * w + x];
                }
            }
            objects[i] = any ? o : null;
        }
        int[] targets = attribution.targets();
        if (targets != null && targets.length != n) {
            throw new LoupeException(id + ": the attribution has " + targets.length + " targets for " + n
                    + " maps");
        }
        return new Maps(n, h, w, reduced, objects, targets);
    }

    /** @throws LoupeException when no input can be evaluated */
    static void requireSome(String id, Maps maps) {
        if (maps.skipped() == maps.n()) {
            throw new LoupeException(id + ": every mask is empty (no object pixel at the map's size), so no input"
                    + " can be scored; check the masks (1 = object pixel)");
        }
    }
}
