package dev.loupe.platform.cli;

import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code loupe shell}: an interactive Gogo shell in a running host. Loupe's commands are there
 * ({@code methods}, {@code explain ...}, {@code plugins list}), beside Gogo's own ({@code lb},
 * {@code install}, {@code help}). Plugins dropped into plugins/ meanwhile appear live.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Interactive Gogo shell with Loupe's commands; 'exit' or end of input leaves.")
public final class ShellCommand implements Callable<Integer> {
    private final CliContext context;

    @Inject
    ShellCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        var host = context.host();
        OutputStream out = new WriterOutputStream(context.out());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean prompt = System.console() != null;
        while (true) {
            if (prompt) {
                context.out().print("loupe> ");
                context.out().flush();
            }
            String line = in.readLine();
            if (line == null || line.trim().equals("exit")) {
                return 0;
            }
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            try {
                Object result = host.execute(line, out);
                if (result != null) {
                    context.out().println(result);
                }
            } catch (RuntimeException e) {
                context.err().println("loupe: " + Cli.message(e));
                if (context.verbose()) {
                    e.printStackTrace(context.err());
                }
            }
            context.out().flush();
            context.err().flush();
        }
    }

    /** Bytes from Gogo commands into the shell's writer. */
    static final class WriterOutputStream extends OutputStream {
        private final java.io.PrintWriter writer;

        WriterOutputStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            writer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writer.write(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            writer.flush();
        }
    }
}
