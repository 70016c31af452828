package dev.loupe.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loupe.api.Tensor;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Text lines rendered with Java2D in the DejaVu fonts (Debian's fonts-dejavu-core) and prepared as
 * PaddleOCR's line models expect them: height 48, BGR, scaled to [−1, 1], right-padded with 0.
 */
public final class TextLines {
    private static final Path FONT_DIR = Path.of("/usr/share/fonts/truetype/dejavu");
    /** The line models' input height. */
    public static final int HEIGHT = 48;

    private TextLines() {
    }

    /**
     * A line to render.
     *
     * @param text the text
     * @param font a font file in the DejaVu folder, e.g. {@code DejaVuSans.ttf}
     */
    public record Line(String text, String font) {
    }

    /**
     * Lines as one batch [N, 3, 48, width], each resized to height 48 (aspect kept) and padded.
     *
     * @param lines the lines (black on white, a small margin around the ink)
     * @param width the padded width
     * @return the batch, and for each line the width its text occupies before the padding
     */
    public static Batch batch(List<Line> lines, int width) {
        System.setProperty("java.awt.headless", "true");
        int item = 3 * HEIGHT * width;
        float[] data = new float[lines.size() * item];
        int[] widths = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            widths[i] = prepare(render(lines.get(i)), width, data, i * item);
        }
        return new Batch(new Tensor(data, new long[] {lines.size(), 3, HEIGHT, width}), widths);
    }

    /**
     * @param input the model input
     * @param textWidths for each line, the columns {@code [0, w)} its text occupies; the rest is padding
     */
    public record Batch(Tensor input, int[] textWidths) {
    }

    private static BufferedImage render(Line line) {
        Path p = FONT_DIR.resolve(line.font());
        assumeTrue(Files.exists(p), "font absent: " + p + " (install fonts-dejavu-core)");
        Font font;
        try {
            font = Font.createFont(Font.TRUETYPE_FONT, p.toFile()).deriveFont(40f);
        } catch (FontFormatException e) {
            throw new IllegalStateException(p + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FontRenderContext frc = new FontRenderContext(null, true, true);
        TextLayout layout = new TextLayout(line.text(), font, frc);
        Rectangle ink = layout.getPixelBounds(frc, 0, 0);
        int margin = 6;
        BufferedImage img = new BufferedImage(ink.width + 2 * margin, ink.height + 2 * margin,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.BLACK);
            layout.draw(g, margin - ink.x, margin - ink.y);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Writes PaddleOCR's preprocessing of {@code img} at {@code offset}; returns the text's width. */
    private static int prepare(BufferedImage img, int width, float[] out, int offset) {
        int w = (int) Math.min(width, Math.ceil(HEIGHT * (double) img.getWidth() / img.getHeight()));
        BufferedImage r = new BufferedImage(w, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = r.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, HEIGHT, null);
        } finally {
            g.dispose();
        }
        int plane = HEIGHT * width;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = r.getRGB(x, y);
                int at = offset + y * width + x;
                out[at] = ((rgb & 0xff) / 255f - 0.5f) / 0.5f;
                out[at + plane] = (((rgb >> 8) & 0xff) / 255f - 0.5f) / 0.5f;
                out[at + 2 * plane] = (((rgb >> 16) & 0xff) / 255f - 0.5f) / 0.5f;
            }
        }
        return w;
    }
}
