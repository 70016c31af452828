package dev.loupe.metric.deletion;

import dev.loupe.api.Attribution;
import dev.loupe.api.ChannelReduction;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.perturbation.PerturbationSweep;
import dev.loupe.perturbation.Substrate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The causal metrics of RISE (Petsiuk, Das &amp; Saenko 2018), deletion and insertion in one
 * implementation. Pixels are ranked by the attribution reduced over channels, highest first, ties by
 * pixel index. Deletion starts from the intact image and replaces ever more of the top pixels by the
 * substrate; insertion starts from the substrate and puts the image's top pixels back. All channels of
 * a pixel move together. Step j of {@code steps} moves the nearest whole number to j/steps of the
 * pixels; the curve is the explained score at the steps + 1 images, and its area (trapezoid rule, x
 * normalised to [0, 1]) is the input's score. Every image of every input goes through one
 * {@link PerturbationSweep}, so the compute service plans the batches.
 *
 * <p>The default ranking, the signed {@code sum} over channels, puts the pixels with the most positive
 * evidence for the class first and the counter-evidence last, as RISE ranks its saliency: an absolute
 * reduction would move counter-evidence early, which raises the score during deletion and blurs what
 * the metric measures.
 */
abstract class CausalMetric implements Metric {
    static final List<String> SUBSTRATES = List.of("zero", "rise-blur", "blur", "mean");
    static final List<String> SCORES = List.of("probability", "logit");
    static final List<String> REDUCTIONS = Arrays.stream(ChannelReduction.values()).map(ChannelReduction::id)
            .toList();
    static final String CITATION = "Petsiuk, Das & Saenko 2018, RISE: Randomized Input Sampling for Explanation"
            + " of Black-box Models, BMVC 2018";

    private final MetricDescriptor descriptor;
    private final boolean deletion;

    /**
     * @param descriptor the metric's descriptor, with {@link #parameters(String)}
     * @param deletion true for deletion, false for insertion
     */
    CausalMetric(MetricDescriptor descriptor, boolean deletion) {
        this.descriptor = descriptor;
        this.deletion = deletion;
    }

    /**
     * @param defaultSubstrate the metric's default substrate (RISE: zero for deletion, its blur for insertion)
     * @return the parameters of both metrics
     */
    static List<ParameterSpec> parameters(String defaultSubstrate) {
        return List.of(
                ParameterSpec.integer("steps", 100, 1, 1_000_000,
                        "steps of the curve; it has steps + 1 points at 0, 1/steps, ..., 1 of the pixels moved"),
                ParameterSpec.choice("substrate", defaultSubstrate, SUBSTRATES,
                        "what a removed pixel is (deletion) or what insertion starts from: zero (0 in the model's"
                                + " input space), rise-blur (RISE's own blur: an 11x11 kernel, sigma 5, zero"
                                + " padding), blur (a Gaussian blur of the image, sigma from blur-sigma, edges"
                                + " replicated) or mean (each channel's mean)"),
                ParameterSpec.number("blur-sigma", 5.0, 0.1, 1000,
                        "the blur substrate's Gaussian sigma in pixels"),
                ParameterSpec.choice("score", "probability", SCORES,
                        "the curve's value: the softmax probability of the explained class (as RISE) or its logit"),
                ParameterSpec.choice("reduction", ChannelReduction.SUM.id(), REDUCTIONS,
                        "how the attribution's channels become one value per pixel for the ranking; sum keeps the"
                                + " sign, so the most positive evidence moves first"));
    }

    @Override
    public MetricDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        String id = descriptor.id();
        Map<String, Object> p = resolve(input.parameters());
        int steps = (Integer) p.get("steps");
        ChannelReduction reduction = ChannelReduction.parse((String) p.get("reduction"));
        boolean logit = p.get("score").equals("logit");

        Tensor x = input.inputs();
        long[] xs = x.shape();
        if (xs.length != 3 && xs.length != 4) {
            throw new LoupeException(id + " moves pixels of images: it needs inputs [N, C, H, W] or [N, H, W]; got "
                    + x.shapeString());
        }
        int n = x.batchSize();
        int h = Math.toIntExact(xs[xs.length - 2]);
        int w = Math.toIntExact(xs[xs.length - 1]);
        int plane = h * w;
        int size = x.itemSize();
        int channels = size / plane;
        Attribution attribution = input.attribution();
        if (attribution == null || attribution.map() == null) {
            throw new LoupeException(id + " judges an attribution; none was given");
        }
        Tensor map = attribution.map();
        long[] ms = map.shape();
        if ((ms.length != 3 && ms.length != 4) || ms[0] != n || ms[ms.length - 2] != h || ms[ms.length - 1] != w) {
            throw new LoupeException(id + ": the attribution map " + map.shapeString() + " does not match the inputs "
                    + x.shapeString() + "; it needs one map per input at the inputs' size, [" + n + ", C, " + h + ", "
                    + w + "] or [" + n + ", " + h + ", " + w + "]: use the map at input resolution, or upsample a"
                    + " layer-resolution map to " + h + "x" + w + " first");
        }
        int[] targets = attribution.targets();
        if (targets == null || targets.length != n) {
            throw new LoupeException(id + " needs the explained class of each of the " + n + " inputs; the attribution"
                    + " has " + (targets == null ? "none" : targets.length));
        }
        int[][] order = ranking(reduction.apply(map).data(), n, plane, id);
        Substrate substrate = substrate((String) p.get("substrate"), (Double) p.get("blur-sigma"));

        // rank-3 images are one-channel images: the substrate works per channel of [N, C, H, W]
        float[] base = substrate.of(new Tensor(x.data(), new long[] {n, channels, h, w})).data();
        float[] image = x.data();
        float[] from = deletion ? image : base;
        float[] to = deletion ? base : image;
        int[] moved = new int[steps + 1];
        for (int j = 0; j <= steps; j++) {
            moved[j] = (int) Math.round((double) j * plane / steps);
        }
        // the metric's own score (RISE: the probability) of the output the attribution explains
        String output = input.objective() == null ? null : input.objective().output();
        Objective objective = new Objective(logit ? Objective.Kind.LOGIT : Objective.Kind.PROBABILITY, output,
                targets, null);
        PerturbationSweep sweep = new PerturbationSweep(input.model(), objective, x, context);
        float[][] curves = sweep.objectives(steps + 1, (i, j, dest, off) -> {
            int src = i * size;
            System.arraycopy(from, src, dest, off, size);
            int[] ranked = order[i];
            for (int r = 0; r < moved[j]; r++) {
                int q = ranked[r];
                for (int c = 0; c < channels; c++) {
                    dest[off + c * plane + q] = to[src + c * plane + q];
                }
            }
        }, id + " steps (substrate " + substrate.describe() + ")");

        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, List<Double>> curveMap = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double auc = auc(curves[i]);
            total += auc;
            scores.put("auc-" + i, auc);
            List<Double> points = new ArrayList<>(steps + 1);
            for (float v : curves[i]) {
                points.add((double) v);
            }
            curveMap.put("input-" + i, points);
        }
        scores.put("score", total / n);
        return new Result(id, scores, curveMap);
    }

    /**
     * @param curve values at x = 0, 1/steps, ..., 1
     * @return the trapezoid-rule area over [0, 1]
     */
    static double auc(float[] curve) {
        int steps = curve.length - 1;
        if (steps == 0) {
            return curve[0];
        }
        double sum = 0;
        for (float v : curve) {
            sum += v;
        }
        return (sum - 0.5 * curve[0] - 0.5 * curve[steps]) / steps;
    }

    /** Pixels of each input, highest reduced attribution first, ties by pixel index (deterministic). */
    private static int[][] ranking(float[] reduced, int n, int plane, String id) {
        int[][] order = new int[n][];
        for (int i = 0; i < n; i++) {
            int offset = i * plane;
            for (int q = 0; q < plane; q++) {
                if (Float.isNaN(reduced[offset + q])) {
                    throw new LoupeException(id + ": the attribution of input " + i + " has NaN values; its pixels"
                            + " cannot be ranked");
                }
            }
            order[i] = IntStream.range(0, plane).boxed()
                    .sorted((a, b) -> {
                        int c = Float.compare(reduced[offset + b], reduced[offset + a]);
                        return c != 0 ? c : Integer.compare(a, b);
                    })
                    .mapToInt(Integer::intValue).toArray();
        }
        return order;
    }

    /** {@code zero} is perturbation-core's constant 0; rise-blur, blur and mean are its own names. */
    private static Substrate substrate(String name, double blurSigma) {
        return Substrate.parse(name.equals("zero") ? "0" : name, blurSigma);
    }

    /** Checks the given parameters against the descriptor (typed or as text) and fills in the defaults. */
    private Map<String, Object> resolve(Map<String, Object> given) {
        Map<String, String> raw = new LinkedHashMap<>();
        given.forEach((k, v) -> raw.put(k, String.valueOf(v)));
        return ParameterSpec.resolve(descriptor.id(), descriptor.parameters(), raw);
    }
}
