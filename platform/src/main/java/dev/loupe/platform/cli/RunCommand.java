package dev.loupe.platform.cli;

import dev.loupe.api.LoupeException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code loupe run SCRIPT}: runs a Gogo script in a host — install bundles, explain a batch. The
 * first failing command stops the script with a non-zero exit code.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a Gogo script in the host, e.g.:",
            "  plugins install my-method.jar",
            "  explain --model m.onnx --input imgs/ --method saliency --out out/a"})
public final class RunCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(paramLabel = "SCRIPT", description = "The script file.")
    Path script;

    @Inject
    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new LoupeException("no such script: " + script);
        }
        String text = Files.readString(script);
        Object result = context.host().execute(text, new ShellCommand.WriterOutputStream(context.out()));
        if (result != null) {
            context.out().println(result);
        }
        context.out().flush();
        return 0;
    }
}
