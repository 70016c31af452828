package dev.loupe.render;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * PNG output: lossless, so a heatmap's colours are exactly the colormap's (JPEG would shift them), and
 * read by every browser, so reports can embed figures as {@code data:} URIs and stay a single file.
 */
public final class Png {

    private Png() {
    }

    /**
     * @param image the picture
     * @param file where to write it; missing parent folders are created
     * @throws IOException when the file cannot be written
     */
    public static void write(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(encode(image));
        }
    }

    /**
     * @param image the picture
     * @return its PNG bytes
     */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param image the picture
     * @return {@code data:image/png;base64,...}, for an {@code <img src>} that needs no second file
     */
    public static String dataUri(BufferedImage image) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(encode(image));
    }
}
