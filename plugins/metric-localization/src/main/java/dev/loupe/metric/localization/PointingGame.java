package dev.loupe.metric.localization;

import dev.loupe.api.ChannelReduction;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;

/**
 * The pointing game (Zhang et al. 2016): is the map's maximum on the object? After the channel
 * reduction, a point hits when it lies on an object pixel or closer than {@code tolerance} pixels to one
 * (Euclidean, strictly closer, as TorchRay's {@code (u² + v²) < tolerance²}); tolerance 0 therefore
 * asks for the point to lie inside the mask, as Quantus does. TorchRay takes one argmax; when the
 * maximum is tied, this counts a hit if any of the tied points hits (as Quantus). Distances are in the
 * map's pixels; masks are resized to the map by nearest neighbour. Inputs whose mask has no object
 * pixel are skipped. The main score is the overall accuracy, hits / (hits + misses); TorchRay reports
 * the mean of the per-class accuracies, here {@code class-mean}.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + PointingGame.ID)
public final class PointingGame implements Metric {
    /** The metric id. */
    public static final String ID = "pointing-game";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Pointing game",
            "Zhang, Bargal, Lin, Brandt, Shen & Sclaroff 2016, Top-down Neural Attention by Excitation Backprop,"
                    + " ECCV 2016",
            true, true,
            List.of(Localization.reduction("sum: the most positive evidence points"),
                    ParameterSpec.integer("tolerance", 15, 0, 1_000_000,
                            "a hit lies closer than this many pixels to an object pixel (TorchRay: 15); 0: on the"
                                    + " object (Quantus)")),
            "The share of inputs whose attribution maximum falls on the object, within a tolerance in pixels;"
                    + " needs object masks.");

    @Override
    public MetricDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        Map<String, Object> p = Localization.resolve(DESCRIPTOR, input.parameters());
        int tolerance = (Integer) p.get("tolerance");
        Localization.Maps maps = Localization.prepare(ID, input, ChannelReduction.parse((String) p.get("reduction")));
        Localization.requireSome(ID, maps);
        int plane = maps.height() * maps.width();
        double reach = (double) tolerance * tolerance;
        Map<String, Double> scores = new LinkedHashMap<>();
        // per class: hits, evaluated
        Map<Integer, int[]> classes = new TreeMap<>();
        int hits = 0;
        int evaluated = 0;
        for (int i = 0; i < maps.n(); i++) {
            boolean[] object = maps.objects()[i];
            if (object == null) {
                continue;
            }
            double[] d2 = squaredDistances(object, maps.height(), maps.width());
            int offset = i * plane;
            float max = Float.NEGATIVE_INFINITY;
            for (int q = 0; q < plane; q++) {
                max = Math.max(max, maps.maps()[offset + q]);
            }
            boolean hit = false;
            for (int q = 0; q < plane && !hit; q++) {
                hit = maps.maps()[offset + q] == max && (d2[q] == 0 || d2[q] < reach);
            }
            scores.put("hit-" + i, hit ? 1.0 : 0.0);
            hits += hit ? 1 : 0;
            evaluated++;
            if (maps.targets() != null) {
                int[] c = classes.computeIfAbsent(maps.targets()[i], k -> new int[2]);
                c[0] += hit ? 1 : 0;
                c[1]++;
            }
        }
        double classMean = 0;
        for (Map.Entry<Integer, int[]> e : classes.entrySet()) {
            double accuracy = (double) e.getValue()[0] / e.getValue()[1];
            scores.put("class-" + e.getKey(), accuracy);
            classMean += accuracy / classes.size();
        }
        if (!classes.isEmpty()) {
            scores.put("class-mean", classMean);
        }
        scores.put("hits", (double) hits);
        scores.put("misses", (double) (evaluated - hits));
        scores.put("skipped", (double) maps.skipped());
        scores.put("score", (double) hits / evaluated);
        return new Result(ID, scores, Map.of());
    }

    /**
     * The exact squared Euclidean distance of each pixel to the nearest object pixel (Felzenszwalb &amp;
     * Huttenlocher's separable transform: columns, then rows), so the cost does not grow with the
     * tolerance or the number of tied maxima.
     */
    static double[] squaredDistances(boolean[] object, int h, int w) {
        // beyond any distance inside the image, and small enough for exact integer arithmetic
        double far = (double) h * h + (double) w * w;
        double[] d = new double[h * w];
        for (int k = 0; k < d.length; k++) {
            d[k] = object[k] ? 0 : far;
        }
        int n = Math.max(h, w);
        double[] f = new double[n];
        double[] out = new double[n];
        int[] v = new int[n];
        double[] z = new double[n + 1];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                f[y] = d[y * w + x];
            }
            transform(f, h, out, v, z);
            for (int y = 0; y < h; y++) {
                d[y * w + x] = out[y];
            }
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(d, y * w, f, 0, w);
            transform(f, w, out, v, z);
            System.arraycopy(out, 0, d, y * w, w);
        }
        return d;
    }

    /** One dimension: out[q] = min over p of (q − p)² + f[p], the lower envelope of parabolas. */
    private static void transform(double[] f, int n, double[] out, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = intersection(f, q, v[k]);
            while (s <= z[k]) {
                k--;
                s = intersection(f, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            double dq = q - v[k];
            out[q] = dq * dq + f[v[k]];
        }
    }

    /** Where the parabolas rooted at q and r (r &lt; q) cross. */
    private static double intersection(double[] f, int q, int r) {
        return ((f[q] + (double) q * q) - (f[r] + (double) r * r)) / (2.0 * (q - r));
    }
}
