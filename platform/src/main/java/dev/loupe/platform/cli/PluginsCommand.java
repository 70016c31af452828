package dev.loupe.platform.cli;

import dev.loupe.platform.host.PluginInfo;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code loupe plugins}: list, install, uninstall, enable and disable plugin jars. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Manage plugins. Method plugins hot-deploy from plugins/; bundles with native code live in"
                + " bundles/ and need a restart.",
        subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Install.class, PluginsCommand.Uninstall.class,
            PluginsCommand.Enable.class, PluginsCommand.Disable.class})
public final class PluginsCommand implements Callable<Integer> {
    private final CliContext context;

    @Inject
    PluginsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return new ListPlugins(context).call();
    }

    static void print(CliContext context, PluginInfo p) {
        context.out().printf("%-32s %-12s %-7s %-9s %s%n", p.id(), p.version(), p.kind().name().toLowerCase(),
                p.state().name().toLowerCase(), p.provides().isEmpty() ? "" : "provides " + String.join(", ", p.provides()));
        if (p.problem() != null) {
            context.out().println("    " + p.problem());
        }
    }

    /** {@code plugins list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List plugin jars and their state.")
    static final class ListPlugins implements Callable<Integer> {
        private final CliContext context;

        @Inject
        ListPlugins(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            List<PluginInfo> all = context.host().plugins();
            if (all.isEmpty()) {
                context.out().println("No plugins in " + context.home().resolve("plugins"));
            }
            all.forEach(p -> print(context, p));
            context.out().flush();
            return 0;
        }
    }

    /** {@code plugins install JAR}. */
    @Command(name = "install", mixinStandardHelpOptions = true, description = "Install a plugin jar (checked before it is kept).")
    static final class Install implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "JAR", description = "The plugin jar.")
        Path jar;

        @Inject
        Install(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PluginInfo p = context.host().install(jar);
            print(context, p);
            if (p.kind() == PluginInfo.Kind.STATIC) {
                context.out().println("    carries native code: installed into bundles/; restart Loupe to load it");
            }
            context.out().flush();
            return 0;
        }
    }

    /** {@code plugins uninstall ID}. */
    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Remove a plugin.")
    static final class Uninstall implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "ID", description = "Bundle symbolic name or jar file name.")
        String id;

        @Inject
        Uninstall(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PluginInfo p = context.host().uninstall(id);
            context.out().println("uninstalled " + p.id() + (p.kind() == PluginInfo.Kind.STATIC
                    ? " (native code stays loaded until Loupe restarts)" : ""));
            context.out().flush();
            return 0;
        }
    }

    /** {@code plugins enable ID}. */
    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Switch a disabled plugin on.")
    static final class Enable implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "ID", description = "Bundle symbolic name or jar file name.")
        String id;

        @Inject
        Enable(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            print(context, context.host().enable(id));
            context.out().flush();
            return 0;
        }
    }

    /** {@code plugins disable ID}. */
    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Switch a plugin off (kept; survives restarts).")
    static final class Disable implements Callable<Integer> {
        private final CliContext context;

        @Parameters(paramLabel = "ID", description = "Bundle symbolic name or jar file name.")
        String id;

        @Inject
        Disable(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            print(context, context.host().disable(id));
            context.out().flush();
            return 0;
        }
    }
}
