package dev.loupe.platform.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The {@code loupe} launcher: sets up logging, runs one command, exits with its code. */
public final class Main {
    private Main() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        boolean verbose = false;
        String homeArg = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-v") || args[i].equals("--verbose")) {
                verbose = true;
            } else if (args[i].equals("--home") && i + 1 < args.length) {
                homeArg = args[i + 1];
            }
        }
        Path home = home(homeArg);
        configureLogging(home, verbose);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try (CliContext context = new CliContext(home, verbose, out, err, null)) {
            code = Cli.execute(context, args);
        } catch (RuntimeException e) {
            // a failure while starting or stopping the host, outside any command
            err.println("loupe: " + Cli.message(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            code = Cli.FAILED;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** {@code --home}, else {@code -Dloupe.home} (set by bin/loupe), else LOUPE_HOME, else the working folder. */
    static Path home(String homeArg) {
        String h = homeArg != null ? homeArg : System.getProperty("loupe.home", System.getenv("LOUPE_HOME"));
        return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
    }

    /**
     * Quiet by default (warnings and errors on stderr), verbose with -v; conf/logback.xml of the
     * installation is the configuration. java.util.logging (FileInstall) is routed to SLF4J.
     */
    static void configureLogging(Path home, boolean verbose) {
        System.setProperty("loupe.log.level", verbose ? "DEBUG" : "WARN");
        // DJL's CUDA probe warns on every machine without a GPU driver: only -v shows it
        System.setProperty("loupe.log.cuda.level", verbose ? "DEBUG" : "ERROR");
        if (verbose) {
            System.setProperty("loupe.log.pattern", "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n");
        }
        Path conf = home.resolve("conf/logback.xml");
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile",
                    Files.isRegularFile(conf) ? conf.toString() : "loupe-cli-logback.xml");
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
