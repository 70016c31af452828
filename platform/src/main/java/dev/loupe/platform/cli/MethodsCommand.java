package dev.loupe.platform.cli;

import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loupe methods}: the installed attribution methods with their parameters. */
@Command(name = "methods", mixinStandardHelpOptions = true,
        description = "List installed methods: id, family, required capabilities, parameters with defaults.")
public final class MethodsCommand implements Callable<Integer> {
    private final CliContext context;

    @Inject
    MethodsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<MethodDescriptor> methods = context.host().methods();
        PrintWriter out = context.out();
        if (methods.isEmpty()) {
            out.println("No methods installed. Put method plugin jars into " + context.home().resolve("plugins")
                    + " (or: loupe plugins install JAR).");
            return 0;
        }
        for (MethodDescriptor m : methods) {
            out.printf("%s  [%s]  %s%n", m.id(), m.family(), m.displayName());
            out.printf("    requires: %s%n", m.requires().isEmpty() ? "-"
                    : String.join(", ", new TreeSet<>(m.requires().stream().map(Enum::name).toList())));
            out.printf("    cite: %s%n", m.citation());
            for (ParameterSpec p : m.parameters()) {
                out.printf("    --param %s=...  (%s)  %s%n", p.name(), p.summary(), p.description());
            }
        }
        out.flush();
        return 0;
    }
}
