package dev.loupe.platform;

import dev.loupe.api.LoupeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The built-in demo: the shapes CNN (circle, square, triangle, cross on textured 64×64 images),
 * its sidecar, eight sample images with their object masks and classes, shipped inside the platform jar so {@code loupe predict}
 * and {@code loupe explain} run with no arguments. Backends read files, so the first use copies
 * them to a cache folder.
 */
public final class DemoModel {
    private static final String ROOT = "loupe-demo/";
    /** Names the cache folder; bump it when the demo files change. */
    private static final String VERSION = "2";
    private static final List<String> FILES = List.of("shapes.onnx", "shapes.loupe.json", "samples/0-circle.png",
            "samples/1-triangle.png", "samples/2-circle.png", "samples/3-triangle.png", "samples/4-cross.png",
            "samples/5-triangle.png", "samples/6-triangle.png", "samples/7-cross.png", "masks.npy", "labels.npy");

    private DemoModel() {
    }

    /** @return the demo model file */
    public static Path model() {
        return folder().resolve("shapes.onnx");
    }

    /** @return the folder of the demo's sample images */
    public static Path samples() {
        return folder().resolve("samples");
    }

    /** @return the object masks of the samples, [8, 64, 64] uint8, in the samples' order */
    public static Path masks() {
        return folder().resolve("masks.npy");
    }

    /** @return the true classes of the samples, [8] int64 */
    public static Path labels() {
        return folder().resolve("labels.npy");
    }

    /** @return whether {@code model} is the demo model */
    public static boolean isDemo(Path model) {
        return model.toAbsolutePath().normalize().equals(model().toAbsolutePath().normalize());
    }

    private static synchronized Path folder() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = base.resolve("loupe").resolve("demo-" + VERSION);
        try {
            for (String file : FILES) {
                Path target = dir.resolve(file);
                if (Files.isRegularFile(target)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = DemoModel.class.getClassLoader().getResourceAsStream(ROOT + file)) {
                    if (in == null) {
                        throw new LoupeException("the demo file " + file + " is missing from the platform jar");
                    }
                    // copy then move, so a concurrent first run never sees a half-written file
                    Path part = Files.createTempFile(target.getParent(), file.replace('/', '_'), ".part");
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new LoupeException("cannot unpack the demo model into " + dir + ": " + e.getMessage()
                    + "; give a model with --model", e);
        }
        return dir;
    }
}
