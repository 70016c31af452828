package dev.loupe.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A comparison of methods as one self-contained HTML page: every image is embedded as a {@code data:}
 * URI, the CSS and the one small script are inline, and nothing is fetched from anywhere, so the file
 * can be mailed, archived beside a paper or opened on a machine without network and still show
 * everything.
 *
 * <p>Layout: title; the facts table (model, backend, inputs...); figures; a table with one row per
 * input and one column per method (the method's map for that input); per method its parameters and
 * timings; the metric table, best score per metric highlighted, when scores were added. The footer says
 * how many images the page holds and, once the page has loaded, how many of them the browser could
 * decode ({@code id="image-status"}: "N of M images loaded"), so a broken image does not go unnoticed.
 *
 * <p>All text (titles, names, method ids, parameter values) comes from users and is escaped. A builder:
 * not thread-safe; add in any order, the layout is fixed.
 */
public final class HtmlReport {

    private final String title;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<Input> inputs = new ArrayList<>();
    private final Map<String, Method> methods = new LinkedHashMap<>();
    private final Map<String, Boolean> metrics = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> scores = new LinkedHashMap<>();

    private record Figure(String caption, BufferedImage image) {
    }

    private record Input(String name, BufferedImage image, String prediction) {
    }

    private record Method(String id, Map<String, Object> parameters, Map<String, Double> timings,
            List<BufferedImage> maps) {
    }

    /** @param title the page's title and heading */
    public HtmlReport(String title) {
        this.title = title == null || title.isEmpty() ? "Loupe report" : title;
    }

    /**
     * @param facts shown as a small table at the top (model, backend, inputs, device...), in the map's
     *        order; later calls add to (and may overwrite) earlier ones
     * @return this report
     */
    public HtmlReport facts(Map<String, String> facts) {
        if (facts != null) {
            this.facts.putAll(facts);
        }
        return this;
    }

    /**
     * @param caption shown under the figure
     * @param image e.g. the comparison grid or a chart
     * @return this report
     */
    public HtmlReport figure(String caption, BufferedImage image) {
        figures.add(new Figure(caption, image));
        return this;
    }

    /**
     * Adds the next input: a row of the map table. Maps given to {@link #method} pair with inputs by
     * position.
     *
     * @param name e.g. the file name
     * @param image the input as the model saw it; {@code null} for none
     * @param prediction e.g. {@code "circle 0.93, square 0.04"}; may be {@code null}
     * @return this report
     */
    public HtmlReport input(String name, BufferedImage image, String prediction) {
        inputs.add(new Input(name, image, prediction));
        return this;
    }

    /**
     * Adds a method: a column of the map table and a details block. Adding the same id again replaces it.
     *
     * @param methodId the column header
     * @param parameters every parameter actually used
     * @param timingsMillis e.g. {@code total}, {@code per input}
     * @param mapsPerInput its picture for each input, in the order of {@link #input}; {@code null} entries
     *        (the method failed on that input) show as a dash
     * @return this report
     */
    public HtmlReport method(String methodId, Map<String, Object> parameters, Map<String, Double> timingsMillis,
            List<BufferedImage> mapsPerInput) {
        String id = methodId == null ? "" : methodId;
        methods.put(id, new Method(id, parameters == null ? Map.of() : new LinkedHashMap<>(parameters),
                timingsMillis == null ? Map.of() : new LinkedHashMap<>(timingsMillis),
                mapsPerInput == null ? List.of() : new ArrayList<>(mapsPerInput)));
        return this;
    }

    /**
     * Adds a score to the method × metric table.
     *
     * @param methodId the row
     * @param metricId the column
     * @param score the value
     * @param higherIsBetter which end is best, for highlighting the best method per metric (the last call
     *        for a metric decides)
     * @return this report
     */
    public HtmlReport scores(String methodId, String metricId, double score, boolean higherIsBetter) {
        String m = methodId == null ? "" : methodId;
        String k = metricId == null ? "" : metricId;
        metrics.put(k, higherIsBetter);
        scores.computeIfAbsent(m, x -> new LinkedHashMap<>()).put(k, score);
        return this;
    }

    /** @return the page */
    public String html() {
        StringBuilder b = new StringBuilder(1 << 16);
        int images = 0;
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");

        if (!facts.isEmpty()) {
            b.append("<table class=\"facts\">\n");
            for (Map.Entry<String, String> e : facts.entrySet()) {
                b.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(e.getValue()))
                        .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }

        if (!figures.isEmpty()) {
            b.append("<section class=\"figures\">\n");
            for (Figure f : figures) {
                b.append("<figure>");
                if (f.image() != null) {
                    img(b, f.image(), f.caption(), "figure");
                    images++;
                }
                if (f.caption() != null && !f.caption().isEmpty()) {
                    b.append("<figcaption>").append(escape(f.caption())).append("</figcaption>");
                }
                b.append("</figure>\n");
            }
            b.append("</section>\n");
        }

        int rows = inputs.size();
        for (Method m : methods.values()) {
            rows = Math.max(rows, m.maps().size());
        }
        if (rows > 0 && (!methods.isEmpty() || !inputs.isEmpty())) {
            b.append("<h2>Attributions</h2>\n<table class=\"maps\">\n<thead><tr><th>Input</th>");
            for (Method m : methods.values()) {
                b.append("<th>").append(escape(m.id())).append("</th>");
            }
            b.append("</tr></thead>\n<tbody>\n");
            for (int r = 0; r < rows; r++) {
                Input in = r < inputs.size() ? inputs.get(r) : new Input("input " + r, null, null);
                b.append("<tr><th class=\"input\">");
                if (in.image() != null) {
                    img(b, in.image(), in.name(), "map");
                    images++;
                }
                b.append("<div class=\"name\">").append(escape(in.name())).append("</div>");
                if (in.prediction() != null && !in.prediction().isEmpty()) {
                    b.append("<div class=\"prediction\">").append(escape(in.prediction())).append("</div>");
                }
                b.append("</th>");
                for (Method m : methods.values()) {
                    BufferedImage map = r < m.maps().size() ? m.maps().get(r) : null;
                    b.append("<td>");
                    if (map != null) {
                        img(b, map, m.id() + " on " + in.name(), "map");
                        images++;
                    } else {
                        b.append("<span class=\"missing\">&mdash;</span>");
                    }
                    b.append("</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }

        if (!methods.isEmpty()) {
            b.append("<h2>Methods</h2>\n");
            for (Method m : methods.values()) {
                b.append("<section class=\"method\">\n<h3>").append(escape(m.id())).append("</h3>\n");
                b.append("<table class=\"details\"><caption>Parameters</caption>\n");
                if (m.parameters().isEmpty()) {
                    b.append("<tr><td colspan=\"2\" class=\"missing\">none</td></tr>\n");
                }
                for (Map.Entry<String, Object> e : m.parameters().entrySet()) {
                    b.append("<tr><th>").append(escape(e.getKey())).append("</th><td>")
                            .append(escape(value(e.getValue()))).append("</td></tr>\n");
                }
                b.append("</table>\n");
                if (!m.timings().isEmpty()) {
                    b.append("<table class=\"details\"><caption>Timings</caption>\n");
                    for (Map.Entry<String, Double> e : m.timings().entrySet()) {
                        b.append("<tr><th>").append(escape(e.getKey())).append("</th><td class=\"num\">")
                                .append(escape(millis(e.getValue()))).append("</td></tr>\n");
                    }
                    b.append("</table>\n");
                }
                b.append("</section>\n");
            }
        }

        if (!scores.isEmpty()) {
            b.append("<h2>Metrics</h2>\n<table class=\"scores\">\n<thead><tr><th>Method</th>");
            Map<String, Double> best = new LinkedHashMap<>();
            for (Map.Entry<String, Boolean> k : metrics.entrySet()) {
                b.append("<th>").append(escape(k.getKey()))
                        .append(k.getValue() ? " <span title=\"higher is better\">&uarr;</span>"
                                : " <span title=\"lower is better\">&darr;</span>")
                        .append("</th>");
                for (Map<String, Double> row : scores.values()) {
                    Double v = row.get(k.getKey());
                    if (v != null && !v.isNaN()) {
                        Double cur = best.get(k.getKey());
                        if (cur == null || (k.getValue() ? v > cur : v < cur)) {
                            best.put(k.getKey(), v);
                        }
                    }
                }
            }
            b.append("</tr></thead>\n<tbody>\n");
            for (Map.Entry<String, Map<String, Double>> row : scores.entrySet()) {
                b.append("<tr><th>").append(escape(row.getKey())).append("</th>");
                for (String k : metrics.keySet()) {
                    Double v = row.getValue().get(k);
                    if (v == null) {
                        b.append("<td class=\"missing\">&mdash;</td>");
                    } else {
                        boolean isBest = v.equals(best.get(k));
                        b.append(isBest ? "<td class=\"num best\">" : "<td class=\"num\">")
                                .append(escape(score(v))).append("</td>");
                    }
                }
                b.append("</tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }

        b.append("<footer>Made with Loupe. <span id=\"image-status\">").append(images)
                .append(images == 1 ? " image" : " images").append("</span></footer>\n");
        b.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    /**
     * @param file where to write the page (UTF-8); missing parent folders are created
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html(), StandardCharsets.UTF_8);
    }

    /**
     * Escapes text for HTML element content and attribute values. {@code ://} is written as
     * {@code &#58;//} as well, so that the page's source holds no {@code http://} or {@code https://} even
     * when a user's text does (a model path, say): checks for external resources then need no exceptions.
     *
     * @param text any text; {@code null} becomes empty
     * @return the escaped text
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case ':' -> b.append(text.startsWith("//", i + 1) ? "&#58;" : ":");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static void img(StringBuilder b, BufferedImage image, String alt, String cls) {
        b.append("<img class=\"").append(cls).append("\" src=\"").append(Png.dataUri(image))
                .append("\" width=\"").append(image.getWidth()).append("\" height=\"").append(image.getHeight())
                .append("\" alt=\"").append(escape(alt)).append("\">");
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : v.toString();
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ", ").append(value(Array.get(v, i)));
            }
            return b.append(']').toString();
        }
        return v.toString();
    }

    private static String millis(Double ms) {
        return ms == null ? "" : String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
    }

    private static String score(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : Double.toString(v);
    }

    private static final String CSS = """
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 1.5em; margin: 0 0 12px; }
            h2 { font-size: 1.2em; margin: 28px 0 8px; }
            h3 { font-size: 1.05em; margin: 16px 0 6px; font-family: monospace; }
            table { border-collapse: collapse; }
            th, td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
            th { background: #f6f6f6; text-align: left; font-weight: 600; }
            table.facts th { width: 10em; }
            .figures figure { margin: 12px 0; }
            .figures img { max-width: 100%; height: auto; }
            figcaption { color: #555; font-size: 0.9em; margin-top: 4px; }
            table.maps td, table.maps th.input { text-align: center; padding: 4px; }
            table.maps thead th { text-align: center; font-family: monospace; }
            img.map { width: 160px; height: auto; image-rendering: pixelated; display: block; margin: auto; }
            .name { font-family: monospace; font-size: 0.85em; margin-top: 2px; }
            .prediction { color: #555; font-size: 0.85em; font-weight: normal; }
            .missing { color: #999; }
            section.method { display: inline-block; vertical-align: top; margin: 0 24px 12px 0; }
            table.details { margin-bottom: 8px; }
            table.details caption { text-align: left; color: #555; font-size: 0.9em; padding: 2px 0; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.best { font-weight: bold; background: #e3f2e1; }
            footer { margin-top: 32px; color: #777; font-size: 0.85em; border-top: 1px solid #ddd;
                     padding-top: 8px; }
            """;

    /** Counts the images the browser decoded; runs only in this page, fetches nothing. */
    private static final String SCRIPT = """
            window.addEventListener('load', function () {
              var images = document.images, loaded = 0;
              for (var i = 0; i < images.length; i++) {
                if (images[i].complete && images[i].naturalWidth > 0) { loaded++; }
              }
              document.getElementById('image-status').textContent =
                  loaded + ' of ' + images.length + ' images loaded';
            });
            """;
}
