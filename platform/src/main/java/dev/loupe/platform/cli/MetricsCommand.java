package dev.loupe.platform.cli;

import dev.loupe.api.MetricDescriptor;
import dev.loupe.api.ParameterSpec;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loupe metrics}: the installed evaluation metrics with their parameters. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "List installed metrics: id, whether higher is better, parameters with defaults.")
public final class MetricsCommand implements Callable<Integer> {
    private final CliContext context;

    @Inject
    MetricsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<MetricDescriptor> metrics = context.host().metrics();
        PrintWriter out = context.out();
        if (metrics.isEmpty()) {
            out.println("No metrics installed. Put metric plugin jars into " + context.home().resolve("plugins")
                    + " (or: loupe plugins install JAR).");
            return 0;
        }
        for (MetricDescriptor m : metrics) {
            out.printf("%s  %s (%s is better)%s%n", m.id(), m.displayName(), m.higherIsBetter() ? "higher" : "lower",
                    m.needsMasks() ? " (needs --masks)" : "");
            out.printf("    %s%n", m.description());
            out.printf("    cite: %s%n", m.citation());
            for (ParameterSpec p : m.parameters()) {
                out.printf("    --metric-param %s=...  (%s)  %s%n", p.name(), p.summary(), p.description());
            }
        }
        out.flush();
        return 0;
    }
}
