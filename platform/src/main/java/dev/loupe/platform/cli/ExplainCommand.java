package dev.loupe.platform.cli;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
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

    @Option(names = "--method", split = ",", paramLabel = "ID", defaultValue = "integrated-gradients",
            description = "Method id; a comma list runs several on the same inputs (default: ${DEFAULT-VALUE}; "
                    + "loupe methods lists them).")
    List<String> methods;

    @Option(names = "--target", defaultValue = "auto", paramLabel = "T",
            description = "auto (top-1), a class, a comma list (one per input) or an int64 .npy (default: auto).")
    String target;

    @Option(names = "--layer", split = ",", paramLabel = "NAME", description = "Layer(s) for layer methods, or auto.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = {"A method parameter; repeat for several.",
        "With several methods, KEY goes to each method that declares it; METHOD.KEY to that method only."})
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
        Map<String, MethodDescriptor> descriptors = new LinkedHashMap<>();
        for (String id : methods) {
            MethodDescriptor d = host.method(id).orElseThrow(() -> new LoupeException("no method " + id
                    + "; installed: " + String.join(", ", host.methods().stream().map(m -> m.id()).toList())))
                    .descriptor();
            descriptors.put(id, d);
            needs.addAll(d.requires());
        }
        Map<String, Map<String, String>> paramsByMethod = route(params, descriptors);
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
                Attribution a = host.explain(m, batch.inputs(),
                        resolved.withMethod(id).withParameters(paramsByMethod.get(id)));
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
                context.out().printf("%s: %d input(s), targets %s, %.0f ms%s -> %s%n", id, batch.names().size(),
                        java.util.Arrays.toString(a.targets()), a.timingsMillis().getOrDefault("total", 0.0),
                        deltaNote(a), dir);
            }
            context.out().flush();
        }
        return 0;
    }

    /**
     * Gives each method its parameters. One method gets them all (unknown keys are its error to
     * report); with several, {@code METHOD.KEY} goes to that method and {@code KEY} to every method
     * declaring it, and a key no method declares is an error.
     */
    static Map<String, Map<String, String>> route(Map<String, String> params, Map<String, MethodDescriptor> methods) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        methods.keySet().forEach(id -> out.put(id, new LinkedHashMap<>()));
        if (methods.size() == 1) {
            out.values().iterator().next().putAll(params);
            return out;
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            String key = p.getKey();
            int dot = key.indexOf('.');
            if (dot > 0 && methods.containsKey(key.substring(0, dot))) {
                out.get(key.substring(0, dot)).put(key.substring(dot + 1), p.getValue());
                continue;
            }
            List<String> takers = methods.values().stream()
                    .filter(d -> d.parameters().stream().anyMatch(s -> s.name().equals(key))).map(MethodDescriptor::id)
                    .toList();
            if (takers.isEmpty()) {
                throw new LoupeException("none of the methods " + String.join(", ", methods.keySet())
                        + " has a parameter " + key + " (loupe methods lists their parameters)");
            }
            takers.forEach(id -> out.get(id).put(key, p.getValue()));
        }
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
