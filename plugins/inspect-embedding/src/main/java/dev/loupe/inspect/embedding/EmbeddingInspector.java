package dev.loupe.inspect.embedding;

import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.Inspector;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.inspect.LayerActivations;
import dev.loupe.render.ComparisonGrid;
import dev.loupe.render.HeatmapRenderer;
import dev.loupe.render.ScatterPlot;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Embedding maps: a layer's activations over a set of inputs, pooled to one vector per input and
 * projected to 2-D with t-SNE and/or PCA, drawn coloured by label (or with the inputs' thumbnails).
 * Whether the classes separate in the map, and which inputs sit among another class, says what the
 * layer has learnt to tell apart.
 */
@Component(service = Inspector.class, property = Inspector.PROPERTY_ID + "=" + EmbeddingInspector.ID)
public final class EmbeddingInspector implements Inspector {
    /** The inspector id. */
    public static final String ID = "embedding";
    /** The fewest inputs a map is drawn for. */
    public static final int MIN_INPUTS = 5;
    /** Below this many inputs {@code tsne-algorithm=auto} takes the exact gradient, from it on Barnes–Hut. */
    public static final int EXACT_BELOW = 500;
    /** Neighbours of the leave-one-out vote that scores how well the map keeps the labels apart. */
    public static final int KNN = 5;
    private static final int THUMBNAIL = 40;

    private static final InspectorDescriptor DESCRIPTOR = new InspectorDescriptor(ID, "Embedding map (t-SNE, PCA)",
            "van der Maaten & Hinton 2008, Visualizing Data using t-SNE (JMLR 9); van der Maaten 2014, "
                    + "Accelerating t-SNE using Tree-Based Algorithms (JMLR 15); Pearson 1901 (PCA)",
            Set.of(Capability.LAYER_ACTIVATION), true, List.of(
                    ParameterSpec.choice("method", "tsne", List.of("tsne", "pca", "both"),
                            "the projection: t-SNE, PCA or both"),
                    ParameterSpec.choice("pool", "avg", List.of("avg", "max", "none"),
                            "how a feature map becomes one vector per input: global average or max per channel, "
                                    + "or none (flattened)"),
                    ParameterSpec.bool("standardize", false,
                            "scale every feature to mean 0 and standard deviation 1 first (off: the features of one "
                                    + "layer share their units, as scikit-learn's t-SNE and PCA assume)"),
                    ParameterSpec.number("perplexity", 30, 1, 1000,
                            "t-SNE's effective number of neighbours; lowered to (N − 1) / 3 for small N"),
                    ParameterSpec.integer("iterations", 1000, 1, 100000,
                            "t-SNE's gradient-descent iterations, the exaggerated ones included"),
                    ParameterSpec.number("early-exaggeration", 12, 1, 100,
                            "P is multiplied by this for the first 250 iterations (momentum 0.5, then 0.8)"),
                    ParameterSpec.string("learning-rate", "auto",
                            "t-SNE's step size, or auto = max(N / early-exaggeration / 4, 50) as scikit-learn"),
                    ParameterSpec.choice("tsne-algorithm", "auto", List.of("auto", "exact", "barnes-hut"),
                            "exact O(N²) gradients, or the Barnes–Hut quadtree; auto: exact below " + EXACT_BELOW
                                    + " inputs"),
                    ParameterSpec.number("theta", 0.5, 0, 1,
                            "Barnes–Hut accuracy: a cell is summarised when its width / distance < theta"),
                    ParameterSpec.choice("init", "pca", List.of("pca", "random"),
                            "t-SNE's starting map: the first two principal components (std 1e-4) or 1e-4·N(0, 1)"),
                    ParameterSpec.integer("seed", 0, 0, Integer.MAX_VALUE,
                            "seed of the random initialisation (PCA initialisation is deterministic)"),
                    ParameterSpec.bool("thumbnails", false,
                            "draw each input's picture at its point instead of a dot")),
            "A layer's activations over the inputs, one pooled vector per input, projected to 2-D with t-SNE "
                    + "and/or PCA and drawn coloured by label; with labels, the 5-nearest-neighbour accuracy in the "
                    + "map says how well the layer separates the classes.");

    @Override
    public InspectorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Inspection inspect(ExplainableModel model, InspectionRequest request, ExplanationContext context) {
        DESCRIPTOR.checkSupportedBy(model);
        Tensor inputs = request.requireInputs(ID);
        int n = inputs.batchSize();
        if (n < MIN_INPUTS) {
            throw new LoupeException(ID + " needs at least " + MIN_INPUTS + " inputs to draw a map; got " + n);
        }
        int[] labels = request.labels();
        if (labels != null) {
            if (labels.length != n) {
                throw new LoupeException(ID + ": " + labels.length + " labels for " + n
                        + " inputs; give one label per input");
            }
            for (int l : labels) {
                if (l < 0) {
                    throw new LoupeException(ID + ": labels must be class indices ≥ 0; got " + l);
                }
            }
        }
        if (request.layers().size() > 1) {
            throw new LoupeException(ID + " maps one layer at a time; got " + request.layers().size() + " ("
                    + String.join(", ", request.layers()) + ")");
        }
        Map<String, Object> params = request.parameters();
        String method = str(params, "method", "tsne");
        String pool = str(params, "pool", "avg");
        boolean standardize = bool(params, "standardize", false);
        boolean thumbnails = bool(params, "thumbnails", false);
        String layer = request.layers().isEmpty() ? "auto" : request.layers().get(0);

        Map<String, Object> details = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        Map<String, Tensor> captured = LayerActivations.capture(model, inputs, List.of(layer), "avg".equals(pool),
                context);
        String resolved = captured.keySet().iterator().next();
        double[][] x = features(captured.get(resolved), pool);
        if (standardize) {
            standardize(x);
        }
        details.put("layer", resolved);
        details.put("inputs", n);
        details.put("features", x[0].length);
        details.put("pool", pool);
        details.put("standardize", standardize);
        details.put("activations seconds", seconds(t0));

        List<String> classNames = model.info().labels();
        List<BufferedImage> pictures = thumbnails ? thumbnails(request, inputs, details) : null;
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        Map<String, BufferedImage> figures = new LinkedHashMap<>();
        Map<String, double[]> maps = new LinkedHashMap<>();

        if (!"pca".equals(method)) {
            long t = System.nanoTime();
            double requested = num(params, "perplexity", 30);
            double perplexity = Math.min(requested, (n - 1) / 3.0);
            String algorithm = str(params, "tsne-algorithm", "auto");
            boolean exact = "exact".equals(algorithm) || ("auto".equals(algorithm) && n < EXACT_BELOW);
            double exaggeration = num(params, "early-exaggeration", 12);
            String lrText = str(params, "learning-rate", "auto").trim();
            double lr;
            if ("auto".equalsIgnoreCase(lrText)) {
                lr = Double.NaN;
            } else {
                try {
                    lr = Double.parseDouble(lrText);
                } catch (NumberFormatException e) {
                    throw new LoupeException("parameter learning-rate must be auto or a positive number; got '"
                            + lrText + "'");
                }
                if (!(lr > 0) || Double.isInfinite(lr)) {
                    throw new LoupeException("parameter learning-rate must be auto or a positive number; got '"
                            + lrText + "'");
                }
            }
            Tsne.Options options = new Tsne.Options(perplexity, integer(params, "iterations", 1000), exaggeration,
                    250, lr, num(params, "theta", 0.5), exact, !"random".equals(str(params, "init", "pca")),
                    integer(params, "seed", 0));
            context.progress().progress(0, 1, "t-SNE of " + n + " inputs");
            Tsne.Result r = Tsne.run(x, options, context.cancellation());
            context.progress().progress(1, 1, "t-SNE of " + n + " inputs");
            maps.put("tsne", r.embedding());
            details.put("tsne algorithm", exact ? "exact" : "barnes-hut");
            details.put("tsne perplexity", perplexity);
            if (perplexity < requested) {
                details.put("tsne perplexity note", String.format(Locale.ROOT,
                        "lowered from %s to (N − 1) / 3 = %.4g for %d inputs", format(requested), perplexity, n));
            }
            details.put("tsne iterations", r.iterations());
            details.put("tsne learning rate", r.learningRate());
            if (!exact) {
                details.put("tsne theta", options.theta());
            }
            details.put("tsne kl divergence", r.kl());
            details.put("tsne seconds", seconds(t));
        }
        if (!"tsne".equals(method)) {
            long t = System.nanoTime();
            Pca.Result r = Pca.fit(x, 2);
            double[] y = new double[2 * n];
            for (int i = 0; i < n; i++) {
                y[2 * i] = r.projection()[i][0];
                y[2 * i + 1] = r.projection()[i][1];
            }
            maps.put("pca", y);
            double[] ratio = r.explainedRatio();
            details.put("pca explained variance", List.of(ratio[0], ratio[1]));
            details.put("pca seconds", seconds(t));
        }
        for (Map.Entry<String, double[]> m : maps.entrySet()) {
            String name = "embedding-" + m.getKey();
            double[] y = m.getValue();
            float[] f = new float[y.length];
            double[] xs = new double[n];
            double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                f[2 * i] = (float) y[2 * i];
                f[2 * i + 1] = (float) y[2 * i + 1];
                xs[i] = y[2 * i];
                ys[i] = y[2 * i + 1];
            }
            arrays.put(name, new Tensor(f, new long[] {n, 2}));
            if (labels != null) {
                details.put(m.getKey() + " " + KNN + "-nn accuracy", Neighbours.leaveOneOutAccuracy(y, labels, KNN));
            }
            String title = ("tsne".equals(m.getKey()) ? "t-SNE" : "PCA") + " of " + resolved + " (" + n + " inputs)";
            int w = pictures == null ? 800 : 1100;
            int h = pictures == null ? 640 : 880;
            figures.put(name, ScatterPlot.draw(title, xs, ys, labels, classNames, pictures, w, h));
        }
        details.put("seconds", seconds(t0));
        Map<String, String> tables = Map.of("embedding", table(request.names(), labels, classNames, maps, n));
        return new Inspection(ID, arrays, figures, tables, details);
    }

    /** [N, C, ...] activations as N feature vectors: pooled per channel (avg was pooled by the capture). */
    static double[][] features(Tensor a, String pool) {
        int n = a.batchSize();
        int item = a.itemSize();
        long[] s = a.shape();
        boolean spatial = s.length > 2;
        if (!spatial || "none".equals(pool) || "avg".equals(pool)) {
            double[][] x = new double[n][item];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < item; j++) {
                    x[i][j] = a.data()[i * item + j];
                }
            }
            return x;
        }
        int c = (int) s[1];
        int positions = item / c;
        double[][] x = new double[n][c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                double m = Double.NEGATIVE_INFINITY;
                int base = i * item + k * positions;
                for (int q = 0; q < positions; q++) {
                    m = Math.max(m, a.data()[base + q]);
                }
                x[i][k] = m;
            }
        }
        return x;
    }

    /** Scales each feature to mean 0 and standard deviation 1; constant features become 0. */
    static void standardize(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[j];
            }
            mean /= n;
            double var = 0;
            for (double[] row : x) {
                var += (row[j] - mean) * (row[j] - mean);
            }
            double std = Math.sqrt(var / n);
            for (double[] row : x) {
                row[j] = std > 0 ? (row[j] - mean) / std : 0;
            }
        }
    }

    private static List<BufferedImage> thumbnails(InspectionRequest request, Tensor inputs, Map<String, Object> details) {
        Tensor source = request.display();
        if (source == null || source.batchSize() != inputs.batchSize()) {
            source = inputs;
            details.put("thumbnails", "from the model inputs, each rescaled by its own min and max (no display "
                    + "images were given)");
        }
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < source.batchSize(); i++) {
            BufferedImage img = HeatmapRenderer.image(source, i);
            double scale = (double) THUMBNAIL / Math.max(img.getWidth(), img.getHeight());
            if (scale < 1) {
                img = ComparisonGrid.scale(img, Math.max(1, (int) Math.round(img.getWidth() * scale)),
                        Math.max(1, (int) Math.round(img.getHeight() * scale)));
            }
            out.add(img);
        }
        return out;
    }

    private static String table(List<String> names, int[] labels, List<String> classNames, Map<String, double[]> maps,
            int n) {
        StringBuilder sb = new StringBuilder("index,name,label,class");
        for (String m : maps.keySet()) {
            sb.append(',').append(m).append("_x,").append(m).append("_y");
        }
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            sb.append(i).append(',').append(csv(i < names.size() ? names.get(i) : "")).append(',');
            if (labels != null) {
                sb.append(labels[i]).append(',');
                sb.append(csv(labels[i] < classNames.size() ? classNames.get(labels[i]) : ""));
            } else {
                sb.append(',');
            }
            for (double[] y : maps.values()) {
                sb.append(',').append(format(y[2 * i])).append(',').append(format(y[2 * i + 1]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static String format(double v) {
        return Double.toString(v);
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e6) / 1e3;
    }

    private static String str(Map<String, Object> p, String key, String fallback) {
        Object v = p.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static boolean bool(Map<String, Object> p, String key, boolean fallback) {
        Object v = p.get(key);
        return v == null ? fallback : v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v));
    }

    private static double num(Map<String, Object> p, String key, double fallback) {
        Object v = p.get(key);
        return v == null ? fallback : v instanceof Number x ? x.doubleValue() : Double.parseDouble(String.valueOf(v));
    }

    private static int integer(Map<String, Object> p, String key, int fallback) {
        Object v = p.get(key);
        return v == null ? fallback : v instanceof Number x ? x.intValue() : Integer.parseInt(String.valueOf(v));
    }
}
