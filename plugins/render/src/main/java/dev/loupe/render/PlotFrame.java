package dev.loupe.render;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.util.List;
import java.util.Locale;

/**
 * The part line charts and scatter plots share: where the plot lies in the image, how data maps to
 * pixels, and the frame with its grid, ticks and tick labels.
 *
 * @param left the plot's left edge in pixels
 * @param top the plot's top edge
 * @param width the plot's width
 * @param height the plot's height
 * @param x0 the data value at the left edge
 * @param x1 the data value at the right edge
 * @param y0 the data value at the bottom edge
 * @param y1 the data value at the top edge
 */
record PlotFrame(int left, int top, int width, int height, double x0, double x1, double y0, double y1) {
    /** Grid lines. */
    static final Color GRID = new Color(0xE4E4E4);
    /** The frame and tick marks. */
    static final Color AXIS = new Color(0x444444);
    /** Tick mark length. */
    static final int TICK = 4;

    /** @return the pixel column of data value {@code x} */
    double px(double x) {
        return left + (x - x0) / (x1 - x0) * width;
    }

    /** @return the pixel row of data value {@code y} */
    double py(double y) {
        return top + height - (y - y0) / (y1 - y0) * height;
    }

    /** @return a tick's label: as many decimals as the step needs, and 0 for values within rounding of it */
    static String tickLabel(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-9 ? 0 : v);
    }

    /** Draws the grid lines, tick marks and labels at the given values, and the frame around the plot. */
    void draw(Graphics2D g, FontMetrics fm, List<Double> xTicks, double xStep, List<Double> yTicks, double yStep) {
        for (double v : yTicks) {
            int py = (int) Math.round(py(v));
            g.setColor(GRID);
            g.drawLine(left + 1, py, left + width - 1, py);
            g.setColor(AXIS);
            g.drawLine(left - TICK, py, left, py);
            String t = tickLabel(v, yStep);
            g.setColor(Canvas.TEXT);
            g.drawString(t, left - TICK - 4 - fm.stringWidth(t), py + (fm.getAscent() - fm.getDescent()) / 2);
        }
        for (double v : xTicks) {
            int px = (int) Math.round(px(v));
            g.setColor(GRID);
            g.drawLine(px, top + 1, px, top + height - 1);
            g.setColor(AXIS);
            g.drawLine(px, top + height, px, top + height + TICK);
            String t = tickLabel(v, xStep);
            g.setColor(Canvas.TEXT);
            g.drawString(t, px - fm.stringWidth(t) / 2, top + height + TICK + 4 + fm.getAscent());
        }
        g.setColor(AXIS);
        g.drawRect(left, top, width, height);
    }
}
