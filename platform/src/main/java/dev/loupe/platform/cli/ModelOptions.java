package dev.loupe.platform.cli;

import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelSource;
import dev.loupe.platform.DemoModel;
import dev.loupe.platform.LoupeHost;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --backend}, shared by the commands that load a model. */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "FILE",
            description = "Model file (.onnx, .pt) or DJL model folder (default: the built-in shapes demo model).")
    Path model;

    @Option(names = "--backend", paramLabel = "ID", description = "Backend to load it with (default: chosen by file type).")
    String backend;

    @Option(names = "--output", paramLabel = "NAME", description = "Output tensor to explain (default: the model's main output).")
    String output;

    /** @return the model file: the one given, or the built-in demo */
    Path path() {
        return model != null ? model : DemoModel.model();
    }

    /** Loads the model, preferring a backend that offers {@code needs}. */
    ExplainableModel load(LoupeHost host, Set<Capability> needs) {
        Map<String, String> options = output == null ? Map.of() : Map.of("output", output);
        return host.loadModel(new ModelSource(path(), options), backend, needs);
    }
}
