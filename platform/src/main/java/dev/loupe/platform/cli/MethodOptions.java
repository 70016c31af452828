package dev.loupe.platform.cli;

import dev.loupe.api.Attribution;
import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.platform.ExplainOptions;
import dev.loupe.platform.LoupeHost;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.Target;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.render.HeatmapStyle;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Which methods to run and how, shared by {@code explain} and {@code evaluate}: the method list
 * ({@code all} = every installed method the model's backend supports), target, layers, parameters,
 * the explained score and how maps are drawn.
 */
public final class MethodOptions {
    /** Expands to every installed method the model supports. */
    static final String ALL = "all";

    @Option(names = {"--method", "--methods"}, split = ",", paramLabel = "ID", defaultValue = "integrated-gradients",
            description = "Method id; a comma list runs several on the same inputs and writes a comparison report; "
                    + "'all' runs every installed method the model supports (default: ${DEFAULT-VALUE}; "
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

    @Option(names = "--style", paramLabel = "KEY=VALUE", description = {"How maps are drawn; repeat for several:",
        "reduction=abs-sum|abs-max|sum|l2, clamp=99 (percentile), smooth=0 (sigma, px),",
        "colormap=viridis|diverging|jet|gray (default: diverging for signed maps, viridis otherwise),",
        "opacity=0.5, colorbar=false, floor=zero|min (where an unsigned map's scale starts)."})
    Map<String, String> style = new LinkedHashMap<>();

    /** @return whether every installed method was asked for */
    boolean all() {
        return methods.contains(ALL);
    }

    /** @return the methods asked for, {@code all} expanded to every installed method */
    List<String> ids(LoupeHost host) {
        if (!all()) {
            return List.copyOf(methods);
        }
        return host.methods().stream().map(MethodDescriptor::id).toList();
    }

    /** @return the descriptors of the methods asked for; an unknown id lists the installed ones */
    Map<String, MethodDescriptor> descriptors(LoupeHost host) {
        Map<String, MethodDescriptor> out = new LinkedHashMap<>();
        for (String id : ids(host)) {
            out.put(id, host.method(id).orElseThrow(() -> new LoupeException("no method " + id + "; installed: "
                    + String.join(", ", host.methods().stream().map(MethodDescriptor::id).toList()))).descriptor());
        }
        if (out.isEmpty()) {
            throw new LoupeException("no method is installed; put method plugins into plugins/ (loupe plugins)");
        }
        return out;
    }

    /** @return every capability the methods need, to choose the backend */
    static Set<Capability> needs(Map<String, MethodDescriptor> descriptors) {
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        descriptors.values().forEach(d -> needs.addAll(d.requires()));
        return needs;
    }

    /** @return the style the maps are drawn in */
    HeatmapStyle heatmapStyle() {
        return HeatmapStyle.parse(style);
    }

    Objective.Kind scoreKind() {
        return switch (score.toLowerCase(Locale.ROOT)) {
            case "logit" -> Objective.Kind.LOGIT;
            case "probability" -> Objective.Kind.PROBABILITY;
            default -> throw new LoupeException("--score must be logit or probability; got '" + score + "'");
        };
    }

    /** One method's outcome: its attribution, or why it could not run. */
    record Run(String method, Attribution attribution, String failure) {
    }

    /**
     * Explains the batch with each method. With {@code all}, a method the model's backend does not
     * support, or that fails on this model, is reported and skipped; a method named explicitly that
     * fails stops the command.
     */
    List<Run> run(LoupeHost host, ExplainableModel model, InputBatch batch, Prediction prediction,
            Map<String, MethodDescriptor> descriptors, String output, PrintWriter err) {
        Map<String, Map<String, String>> paramsByMethod = route(params, descriptors);
        ExplainOptions base = ExplainOptions.of(descriptors.keySet().iterator().next())
                .withTarget(Target.parse(target)).withLayers(layers).withScore(output, scoreKind())
                .withMonitor(new ConsoleProgress(err), () -> false);
        // auto targets come from this prediction, so each method does not predict again
        ExplainOptions resolved = base.target().isAuto() ? base.withTarget(Target.of(prediction.top1())) : base;
        List<Run> runs = new ArrayList<>();
        for (MethodDescriptor d : descriptors.values()) {
            try {
                if (all()) {
                    d.checkSupportedBy(model);
                }
                runs.add(new Run(d.id(), host.explain(model, batch.inputs(),
                        resolved.withMethod(d.id()).withParameters(paramsByMethod.get(d.id()))), null));
            } catch (LoupeException e) {
                if (!all()) {
                    throw e;
                }
                err.println("skipped " + d.id() + ": " + e.getMessage());
                runs.add(new Run(d.id(), null, e.getMessage()));
            }
        }
        return runs;
    }

    /**
     * Gives each method (or metric) its parameters. One taker gets them all (unknown keys are its
     * error to report); with several, {@code ID.KEY} goes to that one and {@code KEY} to every one
     * declaring it, and a key none declares is an error.
     *
     * @param params the raw parameters
     * @param takers parameter specs by method or metric id
     * @param kind {@code methods} or {@code metrics}, for the message (and the command that lists them)
     * @return raw parameters per taker
     */
    static Map<String, Map<String, String>> routeTo(Map<String, String> params,
            Map<String, List<ParameterSpec>> takers, String kind) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        takers.keySet().forEach(id -> out.put(id, new LinkedHashMap<>()));
        if (takers.size() == 1) {
            out.values().iterator().next().putAll(params);
            return out;
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            String key = p.getKey();
            int dot = key.indexOf('.');
            if (dot > 0 && takers.containsKey(key.substring(0, dot))) {
                out.get(key.substring(0, dot)).put(key.substring(dot + 1), p.getValue());
                continue;
            }
            List<String> declaring = takers.entrySet().stream()
                    .filter(t -> t.getValue().stream().anyMatch(s -> s.name().equals(key))).map(Map.Entry::getKey)
                    .toList();
            if (declaring.isEmpty()) {
                throw new LoupeException("none of the " + kind + " " + String.join(", ", takers.keySet())
                        + " has a parameter " + key + " (loupe " + kind + " lists their parameters)");
            }
            declaring.forEach(id -> out.get(id).put(key, p.getValue()));
        }
        return out;
    }

    /** {@link #routeTo} for methods. */
    static Map<String, Map<String, String>> route(Map<String, String> params, Map<String, MethodDescriptor> methods) {
        Map<String, List<ParameterSpec>> specs = new LinkedHashMap<>();
        methods.forEach((id, d) -> specs.put(id, d.parameters()));
        return routeTo(params, specs, "methods");
    }
}
