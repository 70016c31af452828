package dev.loupe.platform.cli;

import dev.loupe.platform.BackendInfo;
import jakarta.inject.Inject;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loupe backends}: installed model backends and their capabilities. */
@Command(name = "backends", mixinStandardHelpOptions = true, description = "List installed model backends.")
public final class BackendsCommand implements Callable<Integer> {
    private final CliContext context;

    @Inject
    BackendsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<BackendInfo> backends = context.host().backends();
        if (backends.isEmpty()) {
            context.out().println("No backends installed. Backend bundles live in " + context.home().resolve("bundles")
                    + " and load at start.");
        }
        for (BackendInfo b : backends) {
            context.out().printf("%s  %s%n    capabilities: %s%n", b.id(), b.description(),
                    String.join(", ", new TreeSet<>(b.capabilities().stream().map(Enum::name).toList())));
        }
        context.out().flush();
        return 0;
    }
}
