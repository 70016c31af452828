package dev.loupe.platform.cli;

import dev.loupe.api.Capability;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ModelSource;
import dev.loupe.platform.DemoModel;
import dev.loupe.platform.LoupeHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    @Option(names = "--model-option", paramLabel = "KEY=VALUE",
            description = "Backend option, e.g. input-shape=1,3,224,224 (torchscript) or threads=4 (onnxruntime).")
    Map<String, String> modelOptions = new LinkedHashMap<>();

    /** @return the model file: the one given, or the built-in demo */
    Path path() {
        return model != null ? model : DemoModel.model();
    }

    /** Loads the model, preferring a backend that offers {@code needs}. */
    ExplainableModel load(LoupeHost host, Set<Capability> needs) {
        Map<String, String> options = new LinkedHashMap<>(modelOptions);
        if (output != null) {
            options.put("output", output);
        }
        try {
            return host.loadModel(new ModelSource(path(), options), backend, needs);
        } catch (LoupeException e) {
            if (model != null) {
                throw e;
            }
            throw new LoupeException("no --model given, and the built-in demo model cannot be loaded: " + e.getMessage()
                    + " (the demo needs the onnx backend in bundles/)", e);
        }
    }
}
