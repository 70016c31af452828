package dev.loupe.platform.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.loupe.api.LoupeException;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;

/**
 * Builds the {@code loupe} command line. Guice creates the commands (each gets the shared
 * {@link CliContext}); picocli parses arguments. Errors print as one line, with a stack trace
 * only in verbose mode.
 */
public final class Cli {
    /** Exit code for a failed command. */
    public static final int FAILED = 1;
    /** Exit code for bad arguments. */
    public static final int USAGE = 2;

    private Cli() {
    }

    /**
     * @param context shared state
     * @param args the arguments after {@code loupe}
     * @return the exit code
     */
    public static int execute(CliContext context, String... args) {
        return commandLine(context).execute(args);
    }

    static CommandLine commandLine(CliContext context) {
        Injector injector = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(CliContext.class).toInstance(context);
            }
        });
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls.getName().startsWith(Cli.class.getPackageName())
                        ? injector.getInstance(cls) : CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(LoupeCommand.class, factory);
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            context.err().println("loupe: " + message(e));
            if (context.verbose()) {
                e.printStackTrace(context.err());
            }
            context.err().flush();
            return FAILED;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            context.err().println("loupe: " + e.getMessage());
            context.err().println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            context.err().flush();
            return USAGE;
        });
        return cl;
    }

    /** @return one line for a failure: the message of a user error, the type and message otherwise */
    static String message(Throwable e) {
        Throwable t = e;
        while (!(t instanceof LoupeException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof LoupeException) {
            return t.getMessage();
        }
        if (e instanceof CancellationException) {
            return "cancelled";
        }
        String msg = e.getMessage();
        return msg == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse("");
    }
}
