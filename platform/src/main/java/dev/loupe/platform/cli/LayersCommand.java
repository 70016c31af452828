package dev.loupe.platform.cli;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelInfo;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loupe layers}: a model's addressable layers with op type and shape. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "List a model's inputs, outputs and layers (name, op type, output shape).")
public final class LayersCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ModelOptions model;

    @Inject
    LayersCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ExplainableModel m = model.load(context.host(), Set.of())) {
            ModelInfo info = m.info();
            var out = context.out();
            info.inputs().forEach(t -> out.printf("input   %s %s %s%n", t.name(), Arrays.toString(t.shape()), t.dataType()));
            info.outputs().forEach(t -> out.printf("output  %s %s %s%n", t.name(), Arrays.toString(t.shape()), t.dataType()));
            out.printf("scores  %s: %s%n", info.scores().tensor(), info.scores().note());
            for (ModelInfo.LayerInfo l : info.layers()) {
                out.printf("%-40s %-20s %s%n", l.name(), l.opType(), Arrays.toString(l.shape()));
            }
            out.flush();
        }
        return 0;
    }
}
