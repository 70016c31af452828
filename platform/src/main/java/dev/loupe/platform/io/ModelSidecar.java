package dev.loupe.platform.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.api.LoupeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a model file does not say about itself, in {@code NAME.loupe.json} beside {@code NAME.onnx}
 * (or {@code NAME.pt}): class labels and how images become its input. Command-line flags override
 * the preprocessing.
 *
 * @param labels class names by index
 * @param resize {@code WxH}, or null
 * @param mean per-channel mean after scaling to [0,1] ("0.4" or "0.485,0.456,0.406"), or null
 * @param std per-channel standard deviation, or null
 * @param bgr whether the model expects blue, green, red order
 */
public record ModelSidecar(List<String> labels, String resize, String mean, String std, boolean bgr) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Copies the labels. */
    public ModelSidecar {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /**
     * @param model the model file
     * @return its sidecar, if there is one
     * @throws LoupeException if the sidecar exists but cannot be read
     */
    public static Optional<ModelSidecar> of(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path file = model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".loupe.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ModelSidecar.class));
        } catch (IOException e) {
            throw new LoupeException("cannot read the model sidecar " + file + ": " + e.getMessage()
                    + " (expected JSON with labels, resize, mean, std, bgr)", e);
        }
    }

    /** @return this preprocessing, each part overridden by a flag that is given (non-null) */
    public Preprocessing preprocessing(String resizeFlag, String meanFlag, String stdFlag, boolean bgrFlag) {
        return Preprocessing.parse(resizeFlag != null ? resizeFlag : resize, meanFlag != null ? meanFlag : mean,
                stdFlag != null ? stdFlag : std, bgrFlag || bgr);
    }
}
