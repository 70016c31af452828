package dev.loupe.metric.faithfulness;

import dev.loupe.api.Attribution;
import dev.loupe.api.Explainer;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the faithfulness metrics share: the explained score, shape checks, per-sample random streams. */
final class Faithfulness {
    private Faithfulness() {
    }

    /** @return what the attribution explains (by default the logit of each input's explained class) */
    static Objective objective(String metric, Metric.Input input) {
        Objective objective = input.objective();
        int n = input.inputs().batchSize();
        if (objective == null || objective.targets().length != n) {
            throw new LoupeException(metric + ": the attribution explains "
                    + (objective == null ? 0 : objective.targets().length) + " targets for " + n
                    + " inputs; evaluate it on the inputs it was computed for");
        }
        return objective;
    }

    /** @throws LoupeException unless the map has one value per input element */
    static void requireInputShape(String metric, Tensor map, Tensor inputs) {
        if (!Arrays.equals(map.shape(), inputs.shape())) {
            throw new LoupeException(metric + " needs a map with the inputs' shape " + inputs.shapeString()
                    + " (one value per input element); the attribution's map is " + map.shapeString()
                    + " (a layer method's or channel-reduced map does not fit)");
        }
    }

    /** @throws LoupeException unless the map has one item per input */
    static void requireOnePerInput(String metric, Tensor map, Tensor inputs) {
        if (map.batchSize() != inputs.batchSize()) {
            throw new LoupeException(metric + ": the map has " + map.batchSize() + " items for " + inputs.batchSize()
                    + " inputs");
        }
    }

    /** @throws LoupeException saying that the metric re-runs the method, when none was given */
    static Explainer requireMethod(String metric, Metric.Input input) {
        if (input.method() == null) {
            throw new LoupeException(metric + " re-runs the method that produced the attribution ("
                    + input.attribution().methodId() + ") on perturbed inputs; it needs that method, and none was given");
        }
        return input.method();
    }

    /** @return the number parameter, or its default when absent */
    static double number(Map<String, Object> p, String name, double fallback) {
        Object v = p.get(name);
        return v == null ? fallback : ((Number) v).doubleValue();
    }

    /** @return the boolean parameter, or its default when absent */
    static boolean bool(Map<String, Object> p, String name, boolean fallback) {
        Object v = p.get(name);
        return v == null ? fallback : (Boolean) v;
    }

    /**
     * A seed for the random stream of one perturbed copy: copies are written concurrently and in
     * any batch plan, so each draws from its own stream (SplitMix64 finaliser over seed, input,
     * sample).
     */
    static long stream(long seed, int input, int sample) {
        return mix(mix(mix(seed) ^ input) + sample);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return {@code score}, the mean of the per-input values, then {@code PREFIX-i} for each */
    static Map<String, Double> scores(double[] perInput, String prefix) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("score", mean(perInput));
        for (int i = 0; i < perInput.length; i++) {
            out.put(prefix + i, perInput[i]);
        }
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** @return the attribution's map */
    static Tensor map(Attribution a) {
        if (a.map() == null) {
            throw new LoupeException("the attribution of " + a.methodId() + " has no map at input resolution");
        }
        return a.map();
    }
}
