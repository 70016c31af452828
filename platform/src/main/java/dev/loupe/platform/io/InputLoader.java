package dev.loupe.platform.io;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Reads model inputs: a preprocessed {@code .npy} tensor, or image files with preprocessing. */
public final class InputLoader {
    private static final Set<String> IMAGE_TYPES = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private InputLoader() {
    }

    /**
     * @param input a {@code .npy} file, an image, or a directory of images
     * @param pre how to turn images into inputs (ignored for {@code .npy})
     * @return the batch
     */
    public static InputBatch load(Path input, Preprocessing pre) {
        if (!Files.exists(input)) {
            throw new LoupeException("input not found: " + input);
        }
        try {
            if (input.toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
                return fromNpy(input);
            }
            List<Path> images = Files.isDirectory(input) ? imagesIn(input) : List.of(input);
            if (images.isEmpty()) {
                throw new LoupeException("no images (png, jpg, bmp, gif) in " + input);
            }
            return fromImages(images, pre);
        } catch (IOException e) {
            throw new LoupeException("cannot read " + input + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> imagesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> IMAGE_TYPES.contains(extension(f))).sorted().toList();
        }
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static InputBatch fromNpy(Path file) throws IOException {
        Tensor t = Npy.readFloats(file);
        if (t.rank() == 3) {
            t = new Tensor(t.data(), new long[] {1, t.shape()[0], t.shape()[1], t.shape()[2]});
        }
        if (t.rank() != 4) {
            throw new LoupeException(file.getFileName() + " has shape " + t.shapeString()
                    + "; expected a preprocessed batch [N, C, H, W]");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < t.batchSize(); i++) {
            names.add("input-" + i);
        }
        return new InputBatch(t, displayOf(t), names);
    }

    /** Min–max per image, so any preprocessed tensor can serve as an overlay background. */
    private static Tensor displayOf(Tensor t) {
        float[] out = new float[t.data().length];
        int n = t.itemSize();
        for (int i = 0; i < t.batchSize(); i++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int j = i * n; j < (i + 1) * n; j++) {
                lo = Math.min(lo, t.data()[j]);
                hi = Math.max(hi, t.data()[j]);
            }
            float range = hi > lo ? hi - lo : 1f;
            for (int j = i * n; j < (i + 1) * n; j++) {
                out[j] = (t.data()[j] - lo) / range;
            }
        }
        return new Tensor(out, t.shape().clone());
    }

    private static InputBatch fromImages(List<Path> files, Preprocessing pre) throws IOException {
        int w = -1;
        int h = -1;
        List<BufferedImage> images = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new LoupeException(f.getFileName() + " is not a readable image (png, jpg, bmp, gif)");
            }
            if (pre.width() > 0) {
                img = resize(img, pre.width(), pre.height());
            }
            if (w < 0) {
                w = img.getWidth();
                h = img.getHeight();
            } else if (img.getWidth() != w || img.getHeight() != h) {
                throw new LoupeException("images differ in size (" + f.getFileName() + " is " + img.getWidth() + "x"
                        + img.getHeight() + ", the first is " + w + "x" + h + "); pass --resize WIDTHxHEIGHT");
            }
            images.add(img);
        }
        int plane = w * h;
        float[] input = new float[images.size() * 3 * plane];
        float[] display = new float[input.length];
        for (int i = 0; i < images.size(); i++) {
            BufferedImage img = images.get(i);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    float[] c = {((rgb >> 16) & 0xff) / 255f, ((rgb >> 8) & 0xff) / 255f, (rgb & 0xff) / 255f};
                    int base = i * 3 * plane + y * w + x;
                    for (int ch = 0; ch < 3; ch++) {
                        display[base + ch * plane] = c[ch];
                        float v = c[pre.bgr() ? 2 - ch : ch];
                        input[base + ch * plane] = (v - pre.meanOf(ch)) / pre.stdOf(ch);
                    }
                }
            }
        }
        long[] shape = {images.size(), 3, h, w};
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        return new InputBatch(new Tensor(input, shape), new Tensor(display, shape.clone()), names);
    }

    private static BufferedImage resize(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
