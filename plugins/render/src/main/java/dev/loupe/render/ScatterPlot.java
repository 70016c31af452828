package dev.loupe.render;

import dev.loupe.api.LoupeException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A scatter plot of 2-D points (an embedding map: t-SNE, PCA) coloured by class, with the look of
 * {@link LineChart}: title, axes with "nice" ticks and light grid lines, matplotlib's tab10 colours
 * ({@link LineChart#seriesColor(int)} by label) and a legend at the right. With thumbnails, each
 * input's picture is drawn at its point (framed in its class colour) instead of a dot, so clusters
 * can be read by what they contain.
 */
public final class ScatterPlot {

    /** The smallest plot that still has room for its axes and labels. */
    public static final int MIN_WIDTH = LineChart.MIN_WIDTH;
    /** The smallest plot height that still has room for its axes and labels. */
    public static final int MIN_HEIGHT = LineChart.MIN_HEIGHT;
    /** Diameter of a dot in pixels (matplotlib's default marker, s = 36 pt², at 100 dpi). */
    public static final int DOT = 8;

    private static final int TICK = PlotFrame.TICK;
    private static final double PAD = 0.05;

    private ScatterPlot() {
    }

    /**
     * Draws the points: dots of {@value #DOT} pixels in {@code LineChart.seriesColor(label)} (all in
     * the first colour without labels), or thumbnails framed in that colour; later points over earlier
     * ones. The axes span the finite points' range widened by 5 % on each side (as matplotlib's
     * margins); non-finite points are left out. The legend lists the labels present, named by
     * {@code labelNames} where it has the label and as {@code class K} otherwise.
     *
     * @param title above the plot; {@code null} or empty for none
     * @param x the horizontal coordinates
     * @param y the vertical coordinates, as many as {@code x}
     * @param labels one class per point (≥ 0), or {@code null} for one colour and no legend
     * @param labelNames class names by label, or {@code null}/empty
     * @param thumbnails one picture per point to draw instead of its dot, or {@code null}; a null entry
     *     draws that point's dot
     * @param width the image width, at least {@link #MIN_WIDTH}
     * @param height the image height, at least {@link #MIN_HEIGHT}
     * @return an RGB image on white
     * @throws LoupeException for missing or mismatched arrays, negative labels, or a size too small
     */
    public static BufferedImage draw(String title, double[] x, double[] y, int[] labels, List<String> labelNames,
            List<BufferedImage> thumbnails, int width, int height) {
        if (x == null || y == null) {
            throw new LoupeException("a scatter plot needs both x and y coordinates");
        }
        if (x.length != y.length) {
            throw new LoupeException("a scatter plot has " + x.length + " x values but " + y.length + " y values");
        }
        if (labels != null && labels.length != x.length) {
            throw new LoupeException("a scatter plot of " + x.length + " points got " + labels.length + " labels");
        }
        if (thumbnails != null && thumbnails.size() != x.length) {
            throw new LoupeException("a scatter plot of " + x.length + " points got " + thumbnails.size()
                    + " thumbnails");
        }
        if (width < MIN_WIDTH || height < MIN_HEIGHT) {
            throw new LoupeException("a scatter plot needs at least " + MIN_WIDTH + "×" + MIN_HEIGHT + " pixels; got "
                    + width + "×" + height);
        }
        TreeSet<Integer> present = new TreeSet<>();
        if (labels != null) {
            for (int l : labels) {
                if (l < 0) {
                    throw new LoupeException("scatter plot labels must be class indices ≥ 0; got " + l);
                }
                present.add(l);
            }
        }
        double[] xr = range(x, y, x);
        double[] yr = range(x, y, y);

        Font font = Canvas.font(12, false);
        Font titleFont = Canvas.font(14, true);
        FontMetrics fm = Canvas.metrics(font);
        FontMetrics tm = Canvas.metrics(titleFont);
        double xStep = LineChart.niceStep(xr[1] - xr[0]);
        double yStep = LineChart.niceStep(yr[1] - yr[0]);
        List<Double> xTicks = ticks(xr, xStep);
        List<Double> yTicks = ticks(yr, yStep);
        int yTickWidth = 0;
        for (double v : yTicks) {
            yTickWidth = Math.max(yTickWidth, fm.stringWidth(PlotFrame.tickLabel(v, yStep)));
        }
        List<String> legend = new ArrayList<>();
        int legendWidth = 0;
        for (int l : present) {
            String name = labelNames != null && l < labelNames.size() && labelNames.get(l) != null
                    && !labelNames.get(l).isEmpty() ? labelNames.get(l) : "class " + l;
            legend.add(name);
            legendWidth = Math.max(legendWidth, Math.min(width / 3, fm.stringWidth(name)));
        }
        boolean hasTitle = title != null && !title.isEmpty();
        int top = hasTitle ? 8 + tm.getHeight() + 8 : 12;
        int left = 8 + yTickWidth + 4 + TICK;
        int bottom = TICK + 4 + fm.getHeight() + 8;
        int right = legendWidth > 0 ? 12 + DOT + 6 + legendWidth + 10 : 16;
        int pw = width - left - right;
        int ph = height - top - bottom;
        if (pw < 20 || ph < 20) {
            throw new LoupeException("a scatter plot of " + width + "×" + height
                    + " leaves no room for the points beside its labels; make it larger or the names shorter");
        }

        BufferedImage out = Canvas.white(width, height);
        Graphics2D g = Canvas.graphics(out);
        try {
            g.setFont(font);
            PlotFrame frame = new PlotFrame(left, top, pw, ph, xr[0], xr[1], yr[0], yr[1]);
            frame.draw(g, fm, xTicks, xStep, yTicks, yStep);
            if (hasTitle) {
                g.setColor(Canvas.TEXT);
                g.setFont(titleFont);
                String t = Canvas.fit(title, tm, width - 16);
                g.drawString(t, (width - tm.stringWidth(t)) / 2, 8 + tm.getAscent());
                g.setFont(font);
            }
            // points, clipped to the plot
            g.setClip(left + 1, top + 1, pw - 1, ph - 1);
            int thumb = Math.max(12, Math.min(48, Math.min(pw, ph) / 12));
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setStroke(new BasicStroke(2f));
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                    continue;
                }
                double px = frame.px(x[i]);
                double py = frame.py(y[i]);
                Color colour = new Color(LineChart.seriesColor(labels == null ? 0 : labels[i]));
                BufferedImage picture = thumbnails == null ? null : thumbnails.get(i);
                if (picture != null) {
                    double scale = (double) thumb / Math.max(picture.getWidth(), picture.getHeight());
                    int tw = Math.max(1, (int) Math.round(picture.getWidth() * scale));
                    int th = Math.max(1, (int) Math.round(picture.getHeight() * scale));
                    int tx = (int) Math.round(px - tw / 2.0);
                    int ty = (int) Math.round(py - th / 2.0);
                    g.drawImage(picture, tx, ty, tw, th, null);
                    g.setColor(colour);
                    g.drawRect(tx - 1, ty - 1, tw + 1, th + 1);
                } else {
                    g.setColor(colour);
                    g.fill(new Ellipse2D.Double(px - DOT / 2.0, py - DOT / 2.0, DOT, DOT));
                }
            }
            g.setClip(null);
            // legend
            int ly = top + 4;
            int lx = left + pw + 12;
            int k = 0;
            for (int l : present) {
                g.setColor(new Color(LineChart.seriesColor(l)));
                g.fill(new Ellipse2D.Double(lx, ly + (fm.getHeight() - DOT) / 2.0, DOT, DOT));
                g.setColor(Canvas.TEXT);
                g.drawString(Canvas.fit(legend.get(k++), fm, legendWidth), lx + DOT + 6, ly + fm.getAscent());
                ly += fm.getHeight() + 4;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The finite points' range along one axis, widened by 5 % each side (or ±1 / ±10 % where flat). */
    private static double[] range(double[] x, double[] y, double[] axis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < axis.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                lo = Math.min(lo, axis[i]);
                hi = Math.max(hi, axis[i]);
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        double pad = (hi - lo) * PAD;
        return new double[] {lo - pad, hi + pad};
    }

    /** The multiples of {@code step} inside the range. */
    private static List<Double> ticks(double[] range, double step) {
        List<Double> out = new ArrayList<>();
        long first = (long) Math.ceil(range[0] / step - 1e-9);
        long last = (long) Math.floor(range[1] / step + 1e-9);
        for (long i = first; i <= last; i++) {
            out.add(i * step);
        }
        return out;
    }
}
