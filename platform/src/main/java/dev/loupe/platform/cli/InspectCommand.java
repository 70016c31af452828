package dev.loupe.platform.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.platform.DemoModel;
import dev.loupe.platform.InspectOptions;
import dev.loupe.platform.LoupeHost;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.render.HtmlReport;
import dev.loupe.render.Png;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loupe inspect ID}: looks inside the model with an inspector and writes what it found:
 * arrays as {@code .npy}, figures as {@code .png}, tables as {@code .csv}, {@code summary.json} and
 * {@code report.html}. Without an id it lists the installed inspectors.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Look inside the model: feature-maps, filters, prototypes, activation-maximization, embedding.",
            "Writes DIR/<name>.npy, DIR/<name>.png, DIR/<name>.csv, DIR/summary.json and DIR/report.html.",
            "Without an inspector id, lists the installed inspectors and their parameters."})
public final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final CliContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "INSPECTOR", description = "The inspector id.")
    String inspector;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Option(names = "--labels", paramLabel = "LABELS.npy", description = "One class per input (int .npy), e.g. "
            + "to colour an embedding map.")
    Path labels;

    @Option(names = "--layer", split = ",", paramLabel = "NAME", description = "Layer(s) to look at, or auto.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--unit", paramLabel = "N", description = "A channel of the layer.")
    Integer unit;

    @Option(names = "--target", paramLabel = "C", description = "A class of the model's output.")
    Integer target;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "An inspector parameter; repeat for several.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "loupe-inspect", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Inject
    InspectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        LoupeHost host = context.host();
        if (inspector == null) {
            return list(host);
        }
        InspectorDescriptor d = host.inspectors().stream().filter(i -> i.id().equals(inspector)).findFirst()
                .orElseThrow(() -> new LoupeException("no inspector " + inspector + "; installed: "
                        + String.join(", ", host.inspectors().stream().map(InspectorDescriptor::id).toList())));
        Map<String, String> parameters = withModelNormalisation(params, d, input.normalisation(model.path()));
        InspectOptions options = InspectOptions.of(inspector).withLayers(layers).withUnit(unit, target)
                .withParameters(parameters).withMonitor(new ConsoleProgress(context.err()), () -> false);
        InputBatch batch = null;
        // the demo model brings its samples; other models need --input when the inspector reads inputs
        if (input.input != null || d.needsInputs()) {
            batch = input.load(model.path());
            options = options.withInputs(batch.inputs(), batch.display(), batch.names());
        }
        Path labelFile = labels;
        if (labelFile == null && batch != null && input.input == null && DemoModel.isDemo(model.path())) {
            // the demo's samples bring their classes
            labelFile = DemoModel.labels();
        }
        if (labelFile != null) {
            options = options.withLabels(readLabels(labelFile, batch));
        }
        try (ExplainableModel m = model.load(host, d.requires())) {
            Inspection found = host.inspect(m, options);
            write(found, d, m);
        }
        return 0;
    }

    /**
     * An inspector that makes its own images (activation maximisation) must normalise them as the
     * model's inputs are: its {@code mean} and {@code std} parameters default to the model's
     * sidecar or {@code --mean}/{@code --std}; a {@code --param} still wins.
     */
    static Map<String, String> withModelNormalisation(Map<String, String> params, InspectorDescriptor d,
            Optional<InputOptions.Normalisation> normalisation) {
        Set<String> names = d.parameters().stream().map(ParameterSpec::name).collect(Collectors.toSet());
        if (normalisation.isEmpty() || !names.contains("mean") || !names.contains("std")) {
            return params;
        }
        Map<String, String> out = new LinkedHashMap<>(params);
        out.putIfAbsent("mean", normalisation.get().mean());
        out.putIfAbsent("std", normalisation.get().std());
        return out;
    }

    private int list(LoupeHost host) {
        PrintWriter o = context.out();
        List<InspectorDescriptor> all = host.inspectors();
        if (all.isEmpty()) {
            o.println("No inspectors installed. Put inspector plugin jars into " + context.home().resolve("plugins")
                    + " (or: loupe plugins install JAR).");
        }
        for (InspectorDescriptor i : all) {
            o.printf("%s  %s%s%n", i.id(), i.displayName(), i.needsInputs() ? " (needs --input)" : "");
            o.printf("    %s%n", i.description());
            o.printf("    cite: %s%n", i.citation());
            for (ParameterSpec p : i.parameters()) {
                o.printf("    --param %s=...  (%s)  %s%n", p.name(), p.summary(), p.description());
            }
        }
        o.flush();
        return 0;
    }

    private void write(Inspection found, InspectorDescriptor d, ExplainableModel m) throws IOException {
        Files.createDirectories(out);
        for (Map.Entry<String, Tensor> a : found.arrays().entrySet()) {
            Npy.write(out.resolve(a.getKey() + ".npy"), a.getValue());
        }
        for (Map.Entry<String, BufferedImage> f : found.figures().entrySet()) {
            Png.write(f.getValue(), out.resolve(f.getKey() + ".png"));
        }
        for (Map.Entry<String, String> t : found.tables().entrySet()) {
            Files.writeString(out.resolve(t.getKey() + ".csv"), t.getValue());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("inspector", d.id());
        summary.put("model", model.path().toString());
        summary.put("backend", m.backendId());
        summary.put("layers", layers);
        summary.put("unit", unit);
        summary.put("target", target);
        summary.put("arrays", found.arrays().keySet().stream().map(k -> k + ".npy").toList());
        summary.put("figures", found.figures().keySet().stream().map(k -> k + ".png").toList());
        summary.put("tables", found.tables().keySet().stream().map(k -> k + ".csv").toList());
        summary.put("details", found.details());
        JSON.writeValue(out.resolve("summary.json").toFile(), summary);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("inspector", d.displayName() + " (" + d.id() + ")");
        facts.put("model", model.path().toString());
        found.details().forEach((k, v) -> facts.put(k, String.valueOf(v)));
        HtmlReport report = new HtmlReport("Loupe: " + d.id()).facts(facts);
        found.figures().forEach(report::figure);
        report.write(out.resolve("report.html"));
        context.out().printf("%s: %d array(s), %d figure(s), %d table(s), %.0f ms -> %s%n", d.id(),
                found.arrays().size(), found.figures().size(), found.tables().size(),
                ((Number) found.details().getOrDefault("millis", 0.0)).doubleValue(), out.resolve("report.html"));
        context.out().flush();
    }

    private static int[] readLabels(Path file, InputBatch batch) throws IOException {
        if (!Files.exists(file)) {
            throw new LoupeException("--labels " + file + " does not exist");
        }
        long[] values = Npy.readLongs(file);
        if (batch != null && values.length != batch.names().size()) {
            throw new LoupeException("--labels " + file.getFileName() + " holds " + values.length + " labels for "
                    + batch.names().size() + " inputs; give one per input, in input order");
        }
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }
}
