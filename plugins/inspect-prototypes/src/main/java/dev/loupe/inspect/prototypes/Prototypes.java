package dev.loupe.inspect.prototypes;

import dev.loupe.api.Capability;
import dev.loupe.api.ComputeService;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.Inspector;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.cam.MapOps;
import dev.loupe.inspect.LayerActivations;
import dev.loupe.render.HeatmapRenderer;
import dev.loupe.render.HeatmapStyle;
import dev.loupe.render.TileGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.osgi.service.component.annotations.Component;

/**
 * Prototypes: which of the given inputs excite a unit or a class most, and which least. A unit is a
 * channel of a layer ({@code --layer L --unit N}), scored by its mean activation over the positions;
 * a class ({@code --target C}) is scored by its raw score (the model's explained output, pre-softmax
 * where the model ends in a Softmax). Ties keep the input order.
 *
 * <p>Under each top input the inspector also shows where the unit fires: the unit's channel, after
 * a ReLU, upsampled bilinearly to the image and laid over it. For a class there is no single channel,
 * and a class-specific map is an attribution method's job (Grad-CAM, CAM), so the overlay there is
 * the class-agnostic sum of the ReLU'd channels of the layer given with {@code --layer} (default
 * {@code auto}, the last feature map): where the network's last features are active at all.
 */
@Component(service = Inspector.class, property = Inspector.PROPERTY_ID + "=" + Prototypes.ID)
public final class Prototypes implements Inspector {
    /** The inspector id. */
    public static final String ID = "prototypes";

    /** Side in pixels that image tiles are enlarged towards (by a whole factor). */
    static final int TILE = 128;

    private static final InspectorDescriptor DESCRIPTOR = new InspectorDescriptor(ID, "Prototypes",
            "Erhan, Bengio, Courville and Vincent 2009, Visualizing Higher-Layer Features of a Deep Network; "
                    + "Zhou et al. 2015, Object Detectors Emerge in Deep Scene CNNs",
            Set.of(Capability.FORWARD, Capability.LAYER_ACTIVATION), true,
            List.of(ParameterSpec.integer("k", 8, 1, 10000,
                            "how many of the highest and of the lowest scoring inputs to show (at most all of them)"),
                    ParameterSpec.bool("overlay", true,
                            "also draw where the unit (or, for --target, the layer) is active in each top input")),
            "Ranks the inputs by a unit's mean activation (--layer L --unit N) or a class score (--target C): "
                    + "the top and bottom k with their scores (ranking.csv, top.png, bottom.png, top-maps.png).");

    @Override
    public InspectorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Inspection inspect(ExplainableModel model, InspectionRequest request, ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        Tensor inputs = request.requireInputs(ID);
        int n = inputs.batchSize();
        if (n == 0) {
            throw new LoupeException(ID + " needs at least one input to rank");
        }
        Integer unit = request.unit();
        Integer target = request.target();
        if ((unit == null) == (target == null)) {
            throw new LoupeException(ID + " ranks inputs by one thing: give --unit N (a channel of --layer, default "
                    + "auto) or --target C (a class)" + (unit != null ? ", not both" : ""));
        }
        if (request.layers().size() > 1) {
            throw new LoupeException(ID + " looks at one layer; got " + request.layers().size() + ": "
                    + request.layers());
        }
        String asked = request.layers().isEmpty() ? "auto" : request.layers().get(0);
        int k = Math.min(request.<Integer>param("k"), n);
        boolean overlay = Boolean.TRUE.equals(request.param("overlay"));

        Map<String, Object> details = new LinkedHashMap<>();
        float[] scores;
        String layer = null;
        String what;
        if (unit != null) {
            layer = model.resolveLayer(asked);
            int channels = LayerActivations.checkUnit(model, layer, unit);
            Tensor pooled = LayerActivations.capture(model, inputs, List.of(layer), true, context).get(layer);
            scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = pooled.data()[i * channels + unit];
            }
            what = "channel " + unit + " of " + layer;
            details.put("score", "mean activation of " + what);
            details.put("layer", layer);
            details.put("unit", unit);
        } else {
            Tensor all = classScores(model, inputs, context);
            int classes = (int) (all.data().length / n);
            if (target < 0 || target >= classes) {
                throw new LoupeException("--target " + target + " is out of range: the model's scores ("
                        + model.info().scores().tensor() + ") have " + classes + " classes (0.." + (classes - 1) + ")");
            }
            scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = all.data()[i * classes + target];
            }
            List<String> labels = model.info().labels();
            what = "class " + target + (target < labels.size() ? " (" + labels.get(target) + ")" : "");
            details.put("score", "score of class " + target + (target < labels.size() ? " (" + labels.get(target) + ")"
                    : "") + " in " + model.info().scores().tensor() + ": " + model.info().scores().note());
            details.put("target", target);
            if (overlay) {
                try {
                    layer = model.resolveLayer(asked);
                } catch (LoupeException e) {
                    details.put("overlay", "none: " + e.getMessage());
                }
            }
        }
        int[] order = ranking(scores);
        int[] top = Arrays.copyOf(order, k);
        int[] bottom = new int[k];
        for (int j = 0; j < k; j++) {
            bottom[j] = order[n - 1 - j];
        }

        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("scores", new Tensor(scores.clone(), new long[] {n}));
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("ranking", table(order, scores, k, request));
        Map<String, BufferedImage> figures = new LinkedHashMap<>();
        Tensor display = request.display() != null && request.display().batchSize() == n ? request.display() : inputs;
        figures.put("top", strip("highest " + k + " of " + n + " \u00b7 " + what, top, order, scores, display, request));
        figures.put("bottom", strip("lowest " + k + " of " + n + " \u00b7 " + what, bottom, order, scores, display, request));
        if (overlay && layer != null) {
            Tensor maps = maps(model, inputs, top, layer, unit, display, context);
            if (maps == null) {
                details.put("overlay", "none: layer " + layer + " has no spatial map");
            } else {
                arrays.put("top-maps", maps);
                String shown = (unit != null ? "channel " + unit : "all channels (class-agnostic)") + " of " + layer;
                figures.put("top-maps", overlays("where " + shown + " is active in the top " + k, maps, top, order,
                        scores, display, request));
                details.put("overlay", (unit != null ? "channel " + unit : "sum of all channels (class-agnostic)")
                        + " of " + layer + " after a ReLU, bilinear to the image, viridis at opacity 0.5");
            }
        }
        details.put("k", k);
        if (k < request.<Integer>param("k")) {
            details.put("k note", "k=" + request.<Integer>param("k") + " clamped to the " + n + " inputs");
        }
        details.put("top", Arrays.stream(top).boxed().toList());
        details.put("bottom", Arrays.stream(bottom).boxed().toList());
        return new Inspection(ID, arrays, figures, tables, details);
    }

    /** @return input indices by descending score; equal scores keep input order; NaN last */
    static int[] ranking(float[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> Float.isNaN(scores[i]) ? Double.NEGATIVE_INFINITY
                        : -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The model's explained scores for every input, in the compute service's batches. */
    static Tensor classScores(ExplainableModel model, Tensor inputs, ExplanationContext context) {
        int n = inputs.batchSize();
        int item = inputs.itemSize();
        ComputeService compute = context.compute();
        List<Map.Entry<Integer, Tensor>> parts = compute.run(compute.plan(
                new ComputeService.Workload(n, model.bytesPerEvaluation(false), false, "inputs"), model), batch -> {
                    long[] shape = inputs.shape().clone();
                    shape[0] = batch.size();
                    Tensor slice = new Tensor(Arrays.copyOfRange(inputs.data(), batch.start() * item,
                            batch.end() * item), shape);
                    return Map.entry(batch.start(), model.onDevice(batch.device()).predict(slice));
                }, context.progress(), context.cancellation());
        int per = parts.get(0).getValue().itemSize();
        float[] out = new float[Math.multiplyExact(n, per)];
        for (Map.Entry<Integer, Tensor> p : parts) {
            System.arraycopy(p.getValue().data(), 0, out, p.getKey() * per, p.getValue().data().length);
        }
        return new Tensor(out, new long[] {n, per});
    }

    private static String table(int[] order, float[] scores, int k, InspectionRequest request) {
        int n = order.length;
        TreeSet<Integer> ranks = new TreeSet<>();
        for (int j = 0; j < k; j++) {
            ranks.add(j);
            ranks.add(n - 1 - j);
        }
        StringBuilder csv = new StringBuilder("rank,index,name,score,label\n");
        for (int r : ranks) {
            int i = order[r];
            csv.append(r + 1).append(',').append(i).append(',').append(csvField(name(request, i, ""))).append(',')
                    .append(scores[i]).append(',')
                    .append(request.labels() != null && i < request.labels().length ? request.labels()[i] : "")
                    .append('\n');
        }
        return csv.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String name(InspectionRequest request, int i, String fallback) {
        return i < request.names().size() ? request.names().get(i) : fallback;
    }

    private static List<String> caption(int i, int[] order, float[] scores, InspectionRequest request) {
        int rank = 0;
        while (order[rank] != i) {
            rank++;
        }
        String who = name(request, i, "input " + i);
        String label = request.labels() != null && i < request.labels().length ? " \u00b7 label " + request.labels()[i]
                : "";
        return List.of("#" + (rank + 1) + " " + who, String.format(Locale.ROOT, "%.4g", scores[i]) + label);
    }

    private static BufferedImage strip(String title, int[] which, int[] order, float[] scores, Tensor display,
            InspectionRequest request) {
        List<BufferedImage> tiles = new ArrayList<>();
        List<List<String>> captions = new ArrayList<>();
        for (int i : which) {
            tiles.add(enlarge(HeatmapRenderer.image(display, i)));
            captions.add(caption(i, order, scores, request));
        }
        return TileGrid.draw(title, tiles, captions, columns(which.length), true);
    }

    private static BufferedImage overlays(String title, Tensor maps, int[] top, int[] order, float[] scores, Tensor display,
            InspectionRequest request) {
        HeatmapStyle style = HeatmapStyle.defaults().withClampPercentile(100);
        List<BufferedImage> tiles = new ArrayList<>();
        List<List<String>> captions = new ArrayList<>();
        Tensor shown = select(display, top);
        for (int j = 0; j < top.length; j++) {
            tiles.add(enlarge(HeatmapRenderer.render(maps, j, shown, style)));
            captions.add(caption(top[j], order, scores, request));
        }
        return TileGrid.draw(title, tiles, captions, columns(top.length), true);
    }

    /**
     * The map drawn over each top input: the unit's channel (or the sum of all channels for a class),
     * after a ReLU, bilinearly resized to the display image.
     *
     * @return [k, 1, H, W] at the display's size, or null when the layer is not spatial
     */
    static Tensor maps(ExplainableModel model, Tensor inputs, int[] top, String layer, Integer unit, Tensor display,
            ExplanationContext context) {
        Tensor a = LayerActivations.capture(model, select(inputs, top), List.of(layer), false, context).get(layer);
        if (a.rank() != 4) {
            return null;
        }
        int channels = (int) a.shape()[1];
        int h = (int) a.shape()[2];
        int w = (int) a.shape()[3];
        int outH = (int) display.shape()[display.rank() - 2];
        int outW = (int) display.shape()[display.rank() - 1];
        float[] out = new float[top.length * outH * outW];
        for (int j = 0; j < top.length; j++) {
            float[] m = new float[h * w];
            for (int c = 0; c < channels; c++) {
                if (unit != null && c != unit) {
                    continue;
                }
                int offset = (j * channels + c) * h * w;
                for (int q = 0; q < h * w; q++) {
                    m[q] += Math.max(0f, a.data()[offset + q]);
                }
            }
            System.arraycopy(MapOps.bilinear(m, h, w, outH, outW, false), 0, out, j * outH * outW, outH * outW);
        }
        return new Tensor(out, new long[] {top.length, 1, outH, outW});
    }

    private static Tensor select(Tensor t, int[] which) {
        int item = t.itemSize();
        float[] out = new float[which.length * item];
        for (int j = 0; j < which.length; j++) {
            System.arraycopy(t.data(), which[j] * item, out, j * item, item);
        }
        long[] shape = t.shape().clone();
        shape[0] = which.length;
        return new Tensor(out, shape);
    }

    private static BufferedImage enlarge(BufferedImage image) {
        int factor = Math.max(1, (int) Math.round(TILE / (double) Math.max(image.getWidth(), image.getHeight())));
        return TileGrid.enlarge(image, factor);
    }

    /** Up to 8 per row: a strip for the usual k, rows beyond. */
    private static int columns(int count) {
        return Math.min(8, Math.max(1, count));
    }
}
