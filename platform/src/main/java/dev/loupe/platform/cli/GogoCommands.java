package dev.loupe.platform.cli;

import dev.loupe.api.LoupeException;
import dev.loupe.platform.LoupeHost;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Loupe's CLI commands as Gogo commands (scope {@code loupe}), for {@code loupe shell},
 * {@code loupe run} and {@link LoupeHost#execute}. Each takes the same arguments as the CLI
 * subcommand and runs it on the live host; a failure throws, which stops a script.
 */
public final class GogoCommands {
    private static final String[] FUNCTIONS = {"methods", "backends", "devices", "layers", "predict", "explain", "evaluate", "metrics", "inspect",
        "plugins"};
    private final LoupeHost host;

    private GogoCommands(LoupeHost host) {
        this.host = host;
    }

    /**
     * Registers the commands in the framework.
     *
     * @param host the host they run on
     * @param context the framework's context
     * @return the registration
     */
    public static ServiceRegistration<?> register(LoupeHost host, BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "loupe");
        props.put("osgi.command.function", FUNCTIONS);
        return context.registerService(Object.class.getName(), new GogoCommands(host), props);
    }

    /** {@code methods}. */
    public void methods(String... args) {
        run("methods", args);
    }

    /** {@code backends}. */
    public void backends(String... args) {
        run("backends", args);
    }

    /** {@code devices}. */
    public void devices(String... args) {
        run("devices", args);
    }

    /** {@code layers --model M}. */
    public void layers(String... args) {
        run("layers", args);
    }

    /** {@code predict --model M --input X}. */
    public void predict(String... args) {
        run("predict", args);
    }

    /** {@code explain --model M --input X --method ID ...}. */
    public void explain(String... args) {
        run("explain", args);
    }

    /** {@code evaluate --model M --input X --masks MASKS.npy --methods a,b --metrics c,d ...}. */
    public void evaluate(String... args) {
        run("evaluate", args);
    }

    /** {@code inspect ID --model M [--input X] [--layer L] [--unit N|--target C] ...}. */
    public void inspect(String... args) {
        run("inspect", args);
    }

    /** {@code metrics}. */
    public void metrics(String... args) {
        run("metrics", args);
    }

    /** {@code plugins list|install JAR|uninstall ID|enable ID|disable ID}. */
    public void plugins(String... args) {
        run("plugins", args);
    }

    private void run(String command, String[] args) {
        // Gogo redirects System.out per session thread, so print through it
        PrintWriter out = new PrintWriter(System.out, true);
        java.io.StringWriter errors = new java.io.StringWriter();
        PrintWriter err = new PrintWriter(errors, true);
        List<String> all = new ArrayList<>();
        all.add(command);
        for (String a : args) {
            all.add(String.valueOf(a));
        }
        int code;
        try (CliContext ctx = new CliContext(host.pluginDir().getParent(), false,
                out, err, host)) {
            code = Cli.execute(ctx, all.toArray(String[]::new));
        }
        out.flush();
        if (code != 0) {
            String msg = errors.toString().trim().replaceFirst("^loupe: ", "");
            throw new LoupeException(msg.isEmpty() ? command + " failed with exit code " + code : msg);
        }
    }
}
