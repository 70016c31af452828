package dev.loupe.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where a model comes from: a file (ONNX, TorchScript) or a directory (DJL model), plus options a
 * backend may read (for example {@code output} to choose the explained output tensor).
 *
 * @param path the model file or directory
 * @param options backend options; never null
 */
public record ModelSource(Path path, Map<String, String> options) {

    /** Copies the options. */
    public ModelSource {
        options = Map.copyOf(options);
    }

    /** @return a source for a file with no options */
    public static ModelSource of(Path path) {
        return new ModelSource(path, Map.of());
    }

    /** @return the lower-case file extension without the dot, or "" for directories and bare names */
    public String extension() {
        if (Files.isDirectory(path)) {
            return "";
        }
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
