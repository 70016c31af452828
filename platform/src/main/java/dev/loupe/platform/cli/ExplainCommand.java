package dev.loupe.platform.cli;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.platform.ExplainOptions;
import dev.loupe.platform.LoupeHost;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.Target;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.OutputWriter;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loupe explain}: attributions, summary and overlays for one or more methods. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain the model's decisions. Writes DIR/attribution.npy (float32, input resolution),",
            "DIR/attribution-layer.npy (layer methods), DIR/summary.json and DIR/overlay-<i>.png.",
            "With several methods, each writes into DIR/<method>/."})
public final class ExplainCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Option(names = "--method", required = true, split = ",", paramLabel = "ID",
            description = "Method id; a comma list runs several on the same inputs.")
    List<String> methods;

    @Option(names = "--target", defaultValue = "auto", paramLabel = "T",
            description = "auto (top-1), a class, a comma list (one per input) or an int64 .npy (default: auto).")
    String target;

    @Option(names = "--layer", split = ",", paramLabel = "NAME", description = "Layer(s) for layer methods, or auto.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A method parameter; repeat for several.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--score", defaultValue = "logit", paramLabel = "KIND",
            description = "What to explain: logit (pre-softmax score, default) or probability.")
    String score;

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
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        for (String id : methods) {
            needs.addAll(host.method(id).orElseThrow(() -> new LoupeException("no method " + id
                    + "; installed: " + String.join(", ", host.methods().stream().map(m -> m.id()).toList())))
                    .descriptor().requires());
        }
        Objective.Kind kind = switch (score.toLowerCase(Locale.ROOT)) {
            case "logit" -> Objective.Kind.LOGIT;
            case "probability" -> Objective.Kind.PROBABILITY;
            default -> throw new LoupeException("--score must be logit or probability; got '" + score + "'");
        };
        ExplainOptions base = ExplainOptions.of(methods.get(0)).withTarget(Target.parse(target)).withLayers(layers)
                .withParameters(params).withScore(model.output, kind)
                .withMonitor(new ConsoleProgress(context.err()), () -> false);
        try (ExplainableModel m = model.load(host, needs)) {
            Prediction prediction = host.predict(m, batch.inputs());
            // auto targets come from this prediction, so each method does not predict again
            ExplainOptions resolved = base.target().isAuto() ? base.withTarget(Target.of(prediction.top1())) : base;
            for (String id : methods) {
                Attribution a = host.explain(m, batch.inputs(), resolved.withMethod(id));
                Path dir = methods.size() == 1 ? out : out.resolve(id);
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("model", model.path().toString());
                facts.put("backend", m.backendId());
                facts.put("input", input.source(model.path()).toString());
                facts.put("score", kind.name().toLowerCase(Locale.ROOT));
                facts.put("output", m.info().scores().tensor());
                facts.put("explained", (kind == Objective.Kind.PROBABILITY ? "softmax probability of " : "")
                        + m.info().scores().note());
                OutputWriter.writeExplanation(dir, a, batch, prediction, facts);
                context.out().printf("%s: %d input(s), targets %s, %.0f ms -> %s%n", id, batch.names().size(),
                        java.util.Arrays.toString(a.targets()), a.timingsMillis().getOrDefault("total", 0.0), dir);
            }
            context.out().flush();
        }
        return 0;
    }
}
