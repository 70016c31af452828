package dev.loupe.platform.report;

import dev.loupe.api.Attribution;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.render.ComparisonGrid;
import dev.loupe.render.HeatmapRenderer;
import dev.loupe.render.HeatmapStyle;
import dev.loupe.render.HtmlReport;
import dev.loupe.render.LineChart;
import dev.loupe.render.Png;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Several methods' explanations of the same inputs, side by side: a comparison grid (one row per
 * input, one column per method) and a self-contained HTML report with the prediction, each method's
 * maps, parameters and timings, and — after {@code loupe evaluate} — every metric's scores and curves.
 */
public final class ComparisonReport {
    private static final int CELL = 160;

    private final InputBatch batch;
    private final Prediction prediction;
    private final Map<String, String> facts;
    private final HeatmapStyle style;
    private final Map<String, Attribution> attributions = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, MetricDescriptor> metrics = new LinkedHashMap<>();
    /** method → metric → result. */
    private final Map<String, Map<String, Metric.Result>> results = new LinkedHashMap<>();

    /**
     * @param batch the inputs (names and images)
     * @param prediction the model's prediction on them
     * @param facts model, backend, input and such, shown at the top
     * @param style how maps are drawn
     */
    public ComparisonReport(InputBatch batch, Prediction prediction, Map<String, String> facts, HeatmapStyle style) {
        this.batch = batch;
        this.prediction = prediction;
        this.facts = new LinkedHashMap<>(facts);
        this.style = style;
    }

    /** Adds a method's explanation as a column. */
    public ComparisonReport add(Attribution attribution) {
        attributions.put(attribution.methodId(), attribution);
        return this;
    }

    /** Notes a method or metric that could not run, shown in the report instead of failing it. */
    public ComparisonReport failed(String what, String message) {
        failures.put(what, message);
        return this;
    }

    /** Adds a metric's result for a method. */
    public ComparisonReport score(String methodId, MetricDescriptor metric, Metric.Result result) {
        metrics.putIfAbsent(metric.id(), metric);
        results.computeIfAbsent(methodId, k -> new LinkedHashMap<>()).put(metric.id(), result);
        return this;
    }

    /** @return the explanations added, by method id */
    public Map<String, Attribution> attributions() {
        return Map.copyOf(attributions);
    }

    /** @return the grid: the input images in the first column, then one column per method */
    public BufferedImage grid() {
        List<String> columns = new ArrayList<>();
        columns.add("input");
        columns.addAll(attributions.keySet());
        List<List<BufferedImage>> cells = new ArrayList<>();
        for (int i = 0; i < batch.names().size(); i++) {
            List<BufferedImage> row = new ArrayList<>();
            row.add(HeatmapRenderer.image(batch.display(), i));
            for (Attribution a : attributions.values()) {
                row.add(HeatmapRenderer.render(a.map(), i, batch.display(), style));
            }
            cells.add(row);
        }
        return ComparisonGrid.draw(rowLabels(), columns, cells, CELL);
    }

    private List<String> rowLabels() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < batch.names().size(); i++) {
            labels.add(batch.names().get(i) + " → " + prediction.top().get(i).get(0).label());
        }
        return labels;
    }

    /**
     * Writes {@code grid.png} and {@code report.html} into {@code dir}.
     *
     * @return the report file
     */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        BufferedImage grid = grid();
        Png.write(grid, dir.resolve("grid.png"));
        Path file = dir.resolve("report.html");
        Files.writeString(file, html(grid));
        return file;
    }

    /** @return the report as one self-contained HTML page */
    public String html() {
        return html(grid());
    }

    private String html(BufferedImage grid) {
        HtmlReport report = new HtmlReport("Loupe: " + String.join(", ", attributions.keySet()));
        report.facts(facts);
        report.figure("Comparison grid: one row per input (with the predicted class), one column per method", grid);
        for (int i = 0; i < batch.names().size(); i++) {
            report.input(batch.names().get(i), HeatmapRenderer.image(batch.display(), i), predicted(i));
        }
        for (Attribution a : attributions.values()) {
            List<BufferedImage> maps = new ArrayList<>();
            for (int i = 0; i < batch.names().size(); i++) {
                maps.add(HeatmapRenderer.render(a.map(), i, batch.display(), style.withColorBar(true)));
            }
            report.method(a.methodId(), a.parameters(), a.timingsMillis(), maps);
        }
        results.forEach((method, byMetric) -> byMetric.forEach((metric, r) -> report.scores(method, metric,
                r.scores().getOrDefault("score", Double.NaN), metrics.get(metric).higherIsBetter())));
        for (MetricDescriptor metric : metrics.values()) {
            List<LineChart.Series> series = new ArrayList<>();
            results.forEach((method, byMetric) -> {
                Metric.Result r = byMetric.get(metric.id());
                LineChart.Series s = r == null ? null : meanCurve(method, r);
                if (s != null) {
                    series.add(s);
                }
            });
            if (!series.isEmpty()) {
                boolean sanity = results.values().stream().map(m -> m.get(metric.id()))
                        .anyMatch(r -> r != null && r.curves().containsKey("spearman"));
                report.figure(metric.displayName() + " (" + metric.id() + ")", LineChart.draw(metric.displayName(),
                        sanity ? "layers randomised, from the top" : "fraction of pixels",
                        sanity ? "Spearman correlation with the original map" : "score", series, 720, 420));
            }
        }
        if (!failures.isEmpty()) {
            report.facts(failures.entrySet().stream().collect(Collectors.toMap(e -> "not run: " + e.getKey(),
                    Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
        }
        return report.html();
    }

    private String predicted(int i) {
        return prediction.top().get(i).stream().limit(3)
                .map(c -> String.format(Locale.ROOT, "%s %.3g", c.label(), c.score())).collect(Collectors.joining(", "));
    }

    /**
     * The curve a metric reports for a method, averaged over inputs: a sanity check's correlation per
     * randomisation step, or a deletion/insertion curve over the fraction of pixels.
     */
    static LineChart.Series meanCurve(String method, Metric.Result result) {
        List<Double> spearman = result.curves().get("spearman");
        if (spearman != null) {
            double[] x = new double[spearman.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = k;
            }
            return new LineChart.Series(method, x, spearman.stream().mapToDouble(Double::doubleValue).toArray());
        }
        Map<String, List<Double>> perInput = new TreeMap<>();
        result.curves().forEach((name, values) -> {
            if (name.startsWith("input-")) {
                perInput.put(name, values);
            }
        });
        if (perInput.isEmpty()) {
            return null;
        }
        int n = perInput.values().iterator().next().size();
        double[] x = new double[n];
        double[] y = new double[n];
        for (List<Double> curve : perInput.values()) {
            for (int k = 0; k < n && k < curve.size(); k++) {
                y[k] += curve.get(k) / perInput.size();
            }
        }
        for (int k = 0; k < n; k++) {
            x[k] = n == 1 ? 0 : k / (double) (n - 1);
        }
        return new LineChart.Series(method, x, y);
    }
}
