package dev.loupe.render;

import dev.loupe.api.LoupeException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A small line chart with axes, ticks, grid and legend. Evaluations of explanations are curves — the
 * score as pixels are deleted or inserted, the correlation with the original map as layers are
 * randomised — and a curve read off a picture convinces where a table of numbers does not.
 */
public final class LineChart {

    /** The smallest chart that still has room for its axes and labels. */
    public static final int MIN_WIDTH = 160;
    /** The smallest chart height that still has room for its axes and labels. */
    public static final int MIN_HEIGHT = 120;

    /** matplotlib's default colour cycle (tab10), so series colours read as they do in Python plots. */
    private static final int[] PALETTE = {
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    };
    private static final int TICK = PlotFrame.TICK;
    private static final int SWATCH = 16;
    private static final int MARKERS_UP_TO = 40;

    private LineChart() {
    }

    /**
     * One named curve.
     *
     * @param name shown in the legend
     * @param x the horizontal values
     * @param y the vertical values, as many as {@code x}; non-finite points are left out (the line breaks)
     */
    public record Series(String name, double[] x, double[] y) {

        /**
         * Checks that x and y pair up.
         *
         * @throws LoupeException when either is missing or their lengths differ
         */
        public Series {
            if (x == null || y == null) {
                throw new LoupeException("chart series '" + name + "' needs both x and y values");
            }
            if (x.length != y.length) {
                throw new LoupeException("chart series '" + name + "' has " + x.length + " x values but "
                        + y.length + " y values");
            }
        }

        /**
         * A series over 0, 1, 2, ...: for values per step or per layer.
         *
         * @param name shown in the legend
         * @param y the values
         * @return the series
         */
        public static Series of(String name, double... y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            return new Series(name, x, y);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Series s && Objects.equals(s.name, name) && Arrays.equals(s.x, x)
                    && Arrays.equals(s.y, y);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(name) * 31 + Arrays.hashCode(x) * 17 + Arrays.hashCode(y);
        }

        @Override
        public String toString() {
            return "Series[" + name + ", " + x.length + " points]";
        }
    }

    /**
     * @param i the series' position in the list
     * @return its line colour as {@code 0xRRGGBB} (matplotlib's tab10 cycle)
     */
    public static int seriesColor(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /**
     * Draws the chart: title on top, the y label rotated at the left, the x label below, "nice" ticks
     * (1, 2 or 5 × 10ⁿ) with light grid lines, each series as a 2-pixel line in {@link #seriesColor(int)}
     * (with dots where it has at most 40 points), and a legend at the right.
     *
     * @param title above the plot; {@code null} or empty for none
     * @param xLabel under the x axis; may be {@code null}
     * @param yLabel beside the y axis; may be {@code null}
     * @param series the curves; an empty list draws empty axes
     * @param width the image width, at least {@link #MIN_WIDTH}
     * @param height the image height, at least {@link #MIN_HEIGHT}
     * @return an RGB image on white
     * @throws LoupeException for a missing series list, mismatched x and y, or a size too small for the axes
     */
    public static BufferedImage draw(String title, String xLabel, String yLabel, List<Series> series,
            int width, int height) {
        if (series == null) {
            throw new LoupeException("a line chart needs a list of series (it may be empty)");
        }
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            throw new LoupeException("a line chart needs at least " + MIN_WIDTH + "×" + MIN_HEIGHT + " pixels; got "
                    + width + "×" + height);
        }
        List<Series> all = new ArrayList<>();
        for (Series s : series) {
            if (s == null) {
                throw new LoupeException("a line chart series is null");
            }
            all.add(new Series(s.name(), s.x(), s.y()));
        }
        double[] xr = range(all, true);
        double[] yr = range(all, false);
        double xStep = niceStep(xr[1] - xr[0]);
        double yStep = niceStep(yr[1] - yr[0]);
        double x0 = Math.floor(xr[0] / xStep + 1e-9) * xStep;
        double x1 = Math.ceil(xr[1] / xStep - 1e-9) * xStep;
        double y0 = Math.floor(yr[0] / yStep + 1e-9) * yStep;
        double y1 = Math.ceil(yr[1] / yStep - 1e-9) * yStep;

        Font font = Canvas.font(12, false);
        Font titleFont = Canvas.font(14, true);
        FontMetrics fm = Canvas.metrics(font);
        FontMetrics tm = Canvas.metrics(titleFont);
        List<Double> yTicks = ticks(y0, y1, yStep);
        List<Double> xTicks = ticks(x0, x1, xStep);
        int yTickWidth = 0;
        for (double v : yTicks) {
            yTickWidth = Math.max(yTickWidth, fm.stringWidth(PlotFrame.tickLabel(v, yStep)));
        }
        int legendWidth = 0;
        for (Series s : all) {
            if (s.name() != null && !s.name().isEmpty()) {
                legendWidth = Math.max(legendWidth, Math.min(width / 3, fm.stringWidth(s.name())));
            }
        }
        boolean hasTitle = title != null && !title.isEmpty();
        boolean hasXLabel = xLabel != null && !xLabel.isEmpty();
        boolean hasYLabel = yLabel != null && !yLabel.isEmpty();
        int top = hasTitle ? 8 + tm.getHeight() + 8 : 12;
        int left = 8 + (hasYLabel ? fm.getHeight() + 6 : 0) + yTickWidth + 4 + TICK;
        int bottom = TICK + 4 + fm.getHeight() + (hasXLabel ? fm.getHeight() + 4 : 0) + 8;
        int right = legendWidth > 0 ? 12 + SWATCH + 6 + legendWidth + 10 : 16;
        int pw = width - left - right;
        int ph = height - top - bottom;
        if (pw < 20 || ph < 20) {
            throw new LoupeException("a line chart of " + width + "×" + height
                    + " leaves no room for the plot beside its labels; make it larger or the names shorter");
        }

        BufferedImage out = Canvas.white(width, height);
        Graphics2D g = Canvas.graphics(out);
        try {
            g.setFont(font);
            PlotFrame frame = new PlotFrame(left, top, pw, ph, x0, x1, y0, y1);
            frame.draw(g, fm, xTicks, xStep, yTicks, yStep);
            // labels
            g.setColor(Canvas.TEXT);
            if (hasTitle) {
                g.setFont(titleFont);
                String t = Canvas.fit(title, tm, width - 16);
                g.drawString(t, (width - tm.stringWidth(t)) / 2, 8 + tm.getAscent());
                g.setFont(font);
            }
            if (hasXLabel) {
                String t = Canvas.fit(xLabel, fm, pw);
                g.drawString(t, left + (pw - fm.stringWidth(t)) / 2,
                        top + ph + TICK + 4 + fm.getHeight() + 4 + fm.getAscent());
            }
            if (hasYLabel) {
                String t = Canvas.fit(yLabel, fm, ph);
                AffineTransform saved = g.getTransform();
                g.translate(8 + fm.getAscent(), top + (ph + fm.stringWidth(t)) / 2.0);
                g.rotate(-Math.PI / 2);
                g.drawString(t, 0, 0);
                g.setTransform(saved);
            }
            // series, clipped to the plot
            g.setClip(left, top, pw + 1, ph + 1);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int k = 0; k < all.size(); k++) {
                Series s = all.get(k);
                g.setColor(new Color(seriesColor(k)));
                Path2D.Double path = new Path2D.Double();
                boolean pen = false;
                int points = 0;
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
                        pen = false;
                        continue;
                    }
                    double px = frame.px(s.x()[i]);
                    double py = frame.py(s.y()[i]);
                    if (pen) {
                        path.lineTo(px, py);
                    } else {
                        path.moveTo(px, py);
                        pen = true;
                    }
                    points++;
                }
                g.draw(path);
                if (points <= MARKERS_UP_TO) {
                    for (int i = 0; i < s.x().length; i++) {
                        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                            double px = frame.px(s.x()[i]);
                            double py = frame.py(s.y()[i]);
                            g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
                        }
                    }
                }
            }
            g.setClip(null);
            // legend
            int ly = top + 4;
            int lx = left + pw + 12;
            for (int k = 0; k < all.size(); k++) {
                String name = all.get(k).name();
                if (name == null || name.isEmpty()) {
                    continue;
                }
                g.setColor(new Color(seriesColor(k)));
                g.fillRect(lx, ly + fm.getHeight() / 2 - 2, SWATCH, 4);
                g.setColor(Canvas.TEXT);
                g.drawString(Canvas.fit(name, fm, legendWidth), lx + SWATCH + 6, ly + fm.getAscent());
                ly += fm.getHeight() + 4;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The finite min and max over all series along one axis, widened where empty or flat. */
    private static double[] range(List<Series> all, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : all) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    double v = x ? s.x()[i] : s.y()[i];
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        return new double[] {lo, hi};
    }

    /** A step of 1, 2 or 5 × 10ⁿ giving about five intervals over the range. */
    static double niceStep(double range) {
        double raw = range / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
        return nice * mag;
    }

    /** The values {@code from}, {@code from + step}, … up to {@code to}. */
    private static List<Double> ticks(double from, double to, double step) {
        List<Double> out = new ArrayList<>();
        int n = (int) Math.round((to - from) / step);
        for (int i = 0; i <= n; i++) {
            out.add(from + i * step);
        }
        return out;
    }
}
