package dev.loupe.platform.cli;

import dev.loupe.api.ExplainableModel;
import dev.loupe.platform.Prediction;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.OutputWriter;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loupe predict}: the model's outputs and top-5 classes per input. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Run the model: writes DIR/outputs.npy (float32) and prints the top-5 classes per input.")
public final class PredictCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ModelOptions model;

    @Mixin
    InputOptions input;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "loupe-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Inject
    PredictCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        InputBatch batch = input.load(model.path());
        try (ExplainableModel m = model.load(context.host(), Set.of())) {
            Prediction p = context.host().predict(m, batch.inputs());
            OutputWriter.writePrediction(out, p);
            for (int i = 0; i < batch.names().size(); i++) {
                StringBuilder line = new StringBuilder(batch.names().get(i)).append(':');
                for (Prediction.ClassScore c : p.top().get(i)) {
                    line.append(String.format("  %s=%.4f", c.label(), c.score()));
                }
                context.out().println(line);
            }
            context.out().flush();
        }
        return 0;
    }
}
