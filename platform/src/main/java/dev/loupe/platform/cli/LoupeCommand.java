package dev.loupe.platform.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code loupe} command: a list of subcommands. */
@Command(name = "loupe", mixinStandardHelpOptions = true, version = "Loupe 0.1.0",
        description = "Explains the decisions of neural networks: attribution methods as plugins.",
        subcommands = {MethodsCommand.class, BackendsCommand.class, DevicesCommand.class, LayersCommand.class,
                PredictCommand.class, ExplainCommand.class, EvaluateCommand.class, MetricsCommand.class, InspectCommand.class,
                PluginsCommand.class, ShellCommand.class, RunCommand.class},
        footer = {"", "Global options -v/--verbose and --home DIR are read before the subcommand."})
public final class LoupeCommand implements Runnable {
    @Option(names = {"-v", "--verbose"}, description = "Log details and print stack traces.")
    boolean verbose;

    @Option(names = "--home", paramLabel = "DIR", description = "Loupe installation folder (default: LOUPE_HOME).")
    String home;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
