package dev.loupe.platform.cli;

import dev.loupe.platform.io.InputBatch;
import dev.loupe.platform.io.InputLoader;
import dev.loupe.platform.io.Preprocessing;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --input} and the image preprocessing flags. */
public final class InputOptions {
    @Option(names = "--input", required = true, paramLabel = "X",
            description = "Preprocessed .npy batch [N,C,H,W], an image, or a folder of images.")
    Path input;

    @Option(names = "--resize", paramLabel = "WxH", description = "Resize images, e.g. 224x224.")
    String resize;

    @Option(names = "--mean", paramLabel = "M", description = "Per-channel mean after scaling to [0,1], e.g. 0.485,0.456,0.406.")
    String mean;

    @Option(names = "--std", paramLabel = "S", description = "Per-channel std after scaling to [0,1], e.g. 0.229,0.224,0.225.")
    String std;

    @Option(names = "--bgr", description = "Feed channels in blue, green, red order.")
    boolean bgr;

    /** @return the inputs */
    InputBatch load() {
        return InputLoader.load(input, Preprocessing.parse(resize, mean, std, bgr));
    }
}
