package dev.loupe.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * What every picture in this package shares: white RGB canvases, antialiased SansSerif text (DejaVu
 * Sans on Debian), labels cut to fit, and short number labels. In one place so that grids, charts
 * and colour bars look like parts of one report.
 */
final class Canvas {
    static final Color TEXT = new Color(0x222222);
    static final Color MUTED = new Color(0x666666);

    private Canvas() {
    }

    /** @return a white RGB image; sizes below 1 become 1 */
    static BufferedImage white(int width, int height) {
        BufferedImage image = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        return image;
    }

    /** @return graphics with antialiased shapes and text; the caller disposes them */
    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setFont(font(12, false));
        return g;
    }

    /** @return the logical SansSerif font, which works headless */
    static Font font(float size, boolean bold) {
        return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont(size);
    }

    /** @return metrics of a font without an image of one's own (for measuring before drawing) */
    static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(scratch);
        try {
            g.setFont(font);
            return g.getFontMetrics();
        } finally {
            g.dispose();
        }
    }

    /** @return the text, cut with an ellipsis where it is wider than {@code maxWidth} pixels */
    static String fit(String text, FontMetrics fm, int maxWidth) {
        String s = text == null ? "" : text;
        if (fm.stringWidth(s) <= maxWidth) {
            return s;
        }
        String ellipsis = "\u2026";
        int end = s.length();
        while (end > 0 && fm.stringWidth(s.substring(0, end) + ellipsis) > maxWidth) {
            end--;
        }
        return end == 0 ? "" : s.substring(0, end) + ellipsis;
    }

    /**
     * @return a short label for a data value: three significant digits, plain notation between
     *         0.001 and 10000, scientific outside
     */
    static String number(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
