package dev.loupe.platform.cli;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Objective;
import dev.loupe.platform.LoupeHost;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.OutputWriter;
import dev.loupe.platform.report.ComparisonReport;
import dev.loupe.render.HeatmapStyle;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loupe explain}: attributions, summary and overlays for one or more methods. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain the model's decisions. Writes DIR/attribution.npy (float32, input resolution),",
            "DIR/attribution-layer.npy (layer methods), DIR/summary.json and DIR/overlay-<i>.png.",
            "With several methods (or all), each writes into DIR/<method>/, and DIR/grid.png and",
            "DIR/report.html compare them."})
public final class ExplainCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Mixin
    MethodOptions methods;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "loupe-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Inject
    ExplainCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        LoupeHost host = context.host();
        InputBatch batch = input.load(model.path());
        Map<String, MethodDescriptor> descriptors = methods.descriptors(host);
        HeatmapStyle style = methods.heatmapStyle();
        Objective.Kind kind = methods.scoreKind();
        try (ExplainableModel m = model.load(host, MethodOptions.needs(descriptors))) {
            Prediction prediction = host.predict(m, batch.inputs());
            Map<String, Object> facts = facts(model, input, m, kind);
            boolean compare = descriptors.size() > 1;
            ComparisonReport report = new ComparisonReport(batch, prediction, text(facts), style);
            for (MethodOptions.Run run : methods.run(host, m, batch, prediction, descriptors, model.output,
                    context.err())) {
                if (run.attribution() == null) {
                    report.failed(run.method(), run.failure());
                    continue;
                }
                Attribution a = run.attribution();
                Path dir = compare ? out.resolve(a.methodId()) : out;
                OutputWriter.writeExplanation(dir, a, batch, prediction, facts, style);
                report.add(a);
                context.out().printf("%s: %d input(s), targets %s, %.0f ms%s -> %s%n", a.methodId(),
                        batch.names().size(), java.util.Arrays.toString(a.targets()),
                        a.timingsMillis().getOrDefault("total", 0.0), deltaNote(a), dir);
            }
            if (compare) {
                context.out().println("comparison: " + report.write(out) + " and " + out.resolve("grid.png"));
            }
            context.out().flush();
        }
        return 0;
    }

    /** @return what the summary and the report say about the run */
    static Map<String, Object> facts(ModelOptions model, InputOptions input, ExplainableModel m, Objective.Kind kind) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("model", model.path().toString());
        facts.put("backend", m.backendId());
        facts.put("input", input.source(model.path()).toString());
        facts.put("score", kind.name().toLowerCase(Locale.ROOT));
        facts.put("output", m.info().scores().tensor());
        facts.put("explained", (kind == Objective.Kind.PROBABILITY ? "softmax probability of " : "")
                + m.info().scores().note());
        return facts;
    }

    static Map<String, String> text(Map<String, Object> facts) {
        Map<String, String> out = new LinkedHashMap<>();
        facts.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** @return ", convergence delta max |…| = …" where the method defines one, else empty */
    private static String deltaNote(Attribution a) {
        if (a.convergenceDelta() == null) {
            return "";
        }
        double worst = java.util.Arrays.stream(a.convergenceDelta()).map(Math::abs).max().orElse(0);
        return String.format(Locale.ROOT, ", convergence delta max |%.3g|", worst);
    }
}
