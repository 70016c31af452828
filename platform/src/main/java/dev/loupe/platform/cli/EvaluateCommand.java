package dev.loupe.platform.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.platform.DemoModel;
import dev.loupe.platform.EvaluateOptions;
import dev.loupe.platform.LoupeHost;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.OutputWriter;
import dev.loupe.platform.report.ComparisonReport;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe evaluate}: explains the inputs with each method, scores every explanation with each
 * metric, prints a method × metric table, and writes scores.csv, scores.json and the comparison
 * report with the scores and curves.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Judge explanations: every method's maps scored by every metric (deletion, insertion,",
            "pointing-game, relevance-mass, sanity-model-randomization, completeness, infidelity, sensitivity-max).",
            "Prints a table; writes DIR/scores.csv, DIR/scores.json, DIR/report.html, DIR/grid.png and",
            "DIR/<method>/ as explain does."})
public final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final CliContext context;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Mixin
    MethodOptions methods;

    @Option(names = "--metrics", split = ",", paramLabel = "ID", defaultValue = MethodOptions.ALL,
            description = "Metric ids, or all (default): every installed metric, except those that need object "
                    + "masks when there are none (they are listed as skipped); loupe metrics lists them.")
    List<String> metrics;

    @Option(names = "--masks", paramLabel = "MASKS.npy",
            description = "Object masks, one [H, W] per input (1 = object), for pointing-game and relevance-mass "
                    + "(the demo's samples bring theirs).")
    Path masks;

    @Option(names = "--metric-param", paramLabel = "KEY=VALUE", description = {"A metric parameter; repeat for several.",
        "KEY goes to each metric that declares it; METRIC.KEY to that metric only."})
    Map<String, String> metricParams = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "loupe-eval", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Inject
    EvaluateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        LoupeHost host = context.host();
        InputBatch batch = input.load(model.path());
        Path maskFile = masks;
        if (maskFile == null && input.input == null && DemoModel.isDemo(model.path())) {
            // the demo's samples bring their object masks
            maskFile = DemoModel.masks();
        }
        Tensor objectMasks = maskFile == null ? null : readMasks(maskFile, batch);
        Map<String, MethodDescriptor> descriptors = methods.descriptors(host);
        Map<String, MetricDescriptor> chosen = metricDescriptors(host);
        boolean allMetrics = metrics.contains(MethodOptions.ALL);
        List<String> needMasks = new ArrayList<>();
        if (allMetrics && objectMasks == null) {
            // "all" means all that apply: without masks, the localisation metrics do not
            chosen.values().stream().filter(MetricDescriptor::needsMasks).forEach(d -> needMasks.add(d.id()));
            chosen.keySet().removeAll(needMasks);
            if (chosen.isEmpty()) {
                throw new LoupeException("every installed metric (" + String.join(", ", needMasks)
                        + ") needs object masks; give them with --masks MASKS.npy");
            }
        }
        Map<String, List<ParameterSpec>> specs = new LinkedHashMap<>();
        chosen.forEach((id, d) -> specs.put(id, d.parameters()));
        Map<String, Map<String, String>> paramsByMetric = MethodOptions.routeTo(metricParams, specs, "metrics");
        PrintWriter err = context.err();
        List<String> failures = new ArrayList<>();
        // method → metric → result, in the order run
        Map<String, Map<String, Metric.Result>> table = new LinkedHashMap<>();
        try (ExplainableModel m = model.load(host, MethodOptions.needs(descriptors))) {
            Prediction prediction = host.predict(m, batch.inputs());
            Map<String, Object> facts = ExplainCommand.facts(model, input, m, methods.scoreKind());
            if (maskFile != null) {
                facts.put("masks", maskFile.toString());
            }
            ComparisonReport report = new ComparisonReport(batch, prediction, ExplainCommand.text(facts),
                    methods.heatmapStyle());
            for (MethodOptions.Run run : methods.run(host, m, batch, prediction, descriptors, model.output, err)) {
                if (run.attribution() == null) {
                    report.failed(run.method(), run.failure());
                    continue;
                }
                Attribution a = run.attribution();
                OutputWriter.writeExplanation(out.resolve(a.methodId()), a, batch, prediction, facts,
                        methods.heatmapStyle());
                report.add(a);
                Map<String, Metric.Result> row = table.computeIfAbsent(a.methodId(), k -> new LinkedHashMap<>());
                for (MetricDescriptor metric : chosen.values()) {
                    try {
                        Metric.Result r = host.evaluate(m, batch.inputs(), a, EvaluateOptions.of(metric.id())
                                .withParameters(paramsByMetric.get(metric.id())).withMasks(objectMasks)
                                .withObjective(new Objective(methods.scoreKind(), model.output, a.targets(), null))
                                .withMonitor(new ConsoleProgress(err), () -> false));
                        row.put(metric.id(), r);
                        report.score(a.methodId(), metric, r);
                    } catch (LoupeException e) {
                        String what = a.methodId() + " × " + metric.id();
                        failures.add(what + ": " + e.getMessage());
                        report.failed(what, e.getMessage());
                    }
                }
            }
            printTable(table, chosen);
            writeScores(table, chosen);
            Path html = report.write(out);
            context.out().println("scores: " + out.resolve("scores.csv") + ", " + out.resolve("scores.json")
                    + "; report: " + html);
        }
        if (!needMasks.isEmpty()) {
            context.out().println("skipped without --masks: " + String.join(", ", needMasks));
        }
        if (!failures.isEmpty()) {
            err.println("failed (" + failures.size() + "):");
            failures.forEach(f -> err.println("  " + f));
        }
        context.out().flush();
        err.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private Map<String, MetricDescriptor> metricDescriptors(LoupeHost host) {
        Map<String, MetricDescriptor> installed = new LinkedHashMap<>();
        host.metrics().forEach(d -> installed.put(d.id(), d));
        if (installed.isEmpty()) {
            throw new LoupeException("no metric is installed; put metric plugins into "
                    + context.home().resolve("plugins") + " (loupe metrics lists what is installed)");
        }
        if (metrics.contains(MethodOptions.ALL)) {
            return installed;
        }
        Map<String, MetricDescriptor> chosen = new LinkedHashMap<>();
        for (String id : metrics) {
            MetricDescriptor d = installed.get(id);
            if (d == null) {
                throw new LoupeException("no metric " + id + "; installed: " + String.join(", ", installed.keySet()));
            }
            chosen.put(id, d);
        }
        return chosen;
    }

    /** Reads masks [N, H, W] or [N, 1, H, W], one per input. */
    static Tensor readMasks(Path file, InputBatch batch) throws IOException {
        if (!Files.exists(file)) {
            throw new LoupeException("--masks " + file + " does not exist");
        }
        Tensor t = Npy.readFloats(file);
        long[] s = t.shape();
        if (s.length == 4 && s[1] == 1) {
            t = new Tensor(t.data(), new long[] {s[0], s[2], s[3]});
        } else if (s.length != 3) {
            throw new LoupeException("--masks " + file.getFileName() + " has shape " + t.shapeString()
                    + "; give one mask per input, [N, H, W] (1 = object)");
        }
        if (t.batchSize() != batch.names().size()) {
            throw new LoupeException("--masks " + file.getFileName() + " holds " + t.batchSize() + " masks for "
                    + batch.names().size() + " inputs; give one mask per input, in input order");
        }
        return t;
    }

    private void printTable(Map<String, Map<String, Metric.Result>> table, Map<String, MetricDescriptor> chosen) {
        PrintWriter out = context.out();
        int width = Math.max(6, table.keySet().stream().mapToInt(String::length).max().orElse(6));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "method"));
        chosen.values().forEach(d -> header.append(String.format(Locale.ROOT, "  %" + column(d) + "s",
                d.id() + (d.higherIsBetter() ? " ↑" : " ↓"))));
        out.println(header);
        table.forEach((method, row) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", method));
            for (MetricDescriptor d : chosen.values()) {
                Metric.Result r = row.get(d.id());
                line.append(String.format(Locale.ROOT, "  %" + column(d) + "s", r == null ? "-"
                        : String.format(Locale.ROOT, "%.4f", r.scores().getOrDefault("score", Double.NaN))));
            }
            out.println(line);
        });
    }

    private static int column(MetricDescriptor d) {
        return Math.max(8, d.id().length() + 2);
    }

    /** scores.csv: one row per method, metric and score name; scores.json: the same nested, with curves. */
    private void writeScores(Map<String, Map<String, Metric.Result>> table, Map<String, MetricDescriptor> chosen)
            throws IOException {
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("method,metric,score,value\n");
        ObjectNode root = JSON.createObjectNode();
        table.forEach((method, row) -> {
            ObjectNode byMetric = root.putObject(method);
            row.forEach((metric, r) -> {
                ObjectNode node = byMetric.putObject(metric);
                node.put("higherIsBetter", chosen.get(metric).higherIsBetter());
                Map<String, Double> scores = new TreeMap<>(r.scores());
                node.set("scores", JSON.valueToTree(scores));
                node.set("curves", JSON.valueToTree(new TreeMap<>(r.curves())));
                scores.forEach((name, value) -> csv.append(csvField(method)).append(',').append(csvField(metric))
                        .append(',').append(csvField(name)).append(',').append(value).append('\n'));
            });
        });
        Files.writeString(out.resolve("scores.csv"), csv);
        JSON.writeValue(out.resolve("scores.json").toFile(), root);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
