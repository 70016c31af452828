package dev.loupe.platform.cli;

import dev.loupe.api.LoupeException;
import dev.loupe.platform.DemoModel;
import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.InputLoader;
import dev.loupe.platform.io.ModelSidecar;
import dev.loupe.platform.io.Preprocessing;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --input} and the image preprocessing flags. */
public final class InputOptions {
    @Option(names = "--input", paramLabel = "X",
            description = "Preprocessed .npy batch [N,C,H,W], an image, or a folder of images"
                    + " (default with the demo model: its sample images).")
    Path input;

    @Option(names = "--resize", paramLabel = "WxH", description = "Resize images, e.g. 224x224.")
    String resize;

    @Option(names = "--mean", paramLabel = "M", description = "Per-channel mean after scaling to [0,1], e.g. 0.485,0.456,0.406.")
    String mean;

    @Option(names = "--std", paramLabel = "S", description = "Per-channel std after scaling to [0,1], e.g. 0.229,0.224,0.225.")
    String std;

    @Option(names = "--bgr", description = "Feed channels in blue, green, red order.")
    boolean bgr;

    /**
     * @param model the model the inputs are for: its sidecar gives the preprocessing that flags
     *     leave open, and the demo model brings its own sample images
     * @return the inputs
     */
    InputBatch load(Path model) {
        Optional<ModelSidecar> sidecar = ModelSidecar.of(model);
        Preprocessing pre = sidecar.map(s -> s.preprocessing(resize, mean, std, bgr))
                .orElseGet(() -> Preprocessing.parse(resize, mean, std, bgr));
        return InputLoader.load(source(model), pre);
    }

    /**
     * @param model the model
     * @return the per-channel mean and std its inputs are normalised with (flags first, then its
     *     sidecar), where either says
     */
    Optional<Normalisation> normalisation(Path model) {
        Optional<ModelSidecar> sidecar = ModelSidecar.of(model);
        String m = mean != null ? mean : sidecar.map(ModelSidecar::mean).orElse(null);
        String s = std != null ? std : sidecar.map(ModelSidecar::std).orElse(null);
        if (m == null && s == null) {
            return Optional.empty();
        }
        Preprocessing parsed = Preprocessing.parse(null, m, s, false); // checks the numbers
        return Optional.of(new Normalisation(join(parsed.mean()), join(parsed.std())));
    }

    /** A model's input normalisation, {@code x = (image - mean) / std}, as comma lists. */
    record Normalisation(String mean, String std) {
    }

    private static String join(float[] values) {
        StringBuilder b = new StringBuilder();
        for (float v : values) {
            b.append(b.length() == 0 ? "" : ",").append(v);
        }
        return b.toString();
    }

    /** @return the input given, or the demo's samples for the demo model */
    Path source(Path model) {
        if (input != null) {
            return input;
        }
        if (!DemoModel.isDemo(model)) {
            throw new LoupeException("--input is required: a preprocessed .npy batch, an image or a folder of images");
        }
        return DemoModel.samples();
    }
}
