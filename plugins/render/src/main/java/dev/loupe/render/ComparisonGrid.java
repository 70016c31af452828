package dev.loupe.render;

import dev.loupe.api.LoupeException;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Many maps side by side — one row per input, one column per method — because explanations are judged
 * by comparison: the same input under every method, the same method over every input. Every cell is
 * scaled to one common size so that a 7×7 layer map and a 224×224 input map compare at a glance.
 */
public final class ComparisonGrid {

    /** Pixels between cells, and around the grid's right and bottom edges. */
    public static final int GAP = 4;

    private static final int PAD = 6;
    private static final int MAX_ROW_LABEL = 220;
    private static final Color EMPTY = new Color(0xEEEEEE);

    private ComparisonGrid() {
    }

    /**
     * Draws the grid. Cell (r, c) lies at x = {@code left + c × (cellSize + GAP)}, y = {@code top + r ×
     * (cellSize + GAP)}, where the image is {@code left + columns × (cellSize + GAP)} wide and {@code top +
     * rows × (cellSize + GAP)} high; {@code left} fits the row labels and {@code top} the column labels (both
     * {@link #GAP} where there are none). Pictures keep their aspect ratio inside a cell, centred; smaller
     * ones are enlarged by nearest neighbour so small maps stay crisp, larger ones reduced by averaging.
     * A missing cell ({@code null}, or a row shorter than the others: a method that failed on that input)
     * is drawn as a grey square with a cross.
     *
     * @param rowLabels drawn left of the rows (e.g. input names); {@code null} for none
     * @param columnLabels drawn above the columns (e.g. method ids); {@code null} for none
     * @param cells the pictures, row by row
     * @param cellSize the side of every cell in pixels
     * @return an RGB image on white
     * @throws LoupeException when the labels do not match the number of rows or columns, or cellSize &lt; 1
     */
    public static BufferedImage draw(List<String> rowLabels, List<String> columnLabels,
            List<List<BufferedImage>> cells, int cellSize) {
        if (cells == null) {
            throw new LoupeException("a comparison grid needs its cells (a list of rows)");
        }
        if (cellSize < 1) {
            throw new LoupeException("grid cell size must be at least 1 pixel; got " + cellSize);
        }
        int rows = cells.size();
        int cols = 0;
        for (List<BufferedImage> row : cells) {
            cols = Math.max(cols, row == null ? 0 : row.size());
        }
        if (columnLabels != null && !columnLabels.isEmpty()) {
            if (columnLabels.size() < cols) {
                throw new LoupeException("the grid has " + cols + " columns but " + columnLabels.size()
                        + " column labels");
            }
            cols = columnLabels.size();
        }
        if (rowLabels != null && !rowLabels.isEmpty() && rowLabels.size() != rows) {
            throw new LoupeException("the grid has " + rows + " rows but " + rowLabels.size() + " row labels");
        }
        Font font = Canvas.font(12, false);
        FontMetrics fm = Canvas.metrics(font);
        int rowLabelWidth = 0;
        if (rowLabels != null) {
            for (String s : rowLabels) {
                rowLabelWidth = Math.max(rowLabelWidth, Math.min(MAX_ROW_LABEL, fm.stringWidth(s == null ? "" : s)));
            }
        }
        boolean hasColumnLabels = false;
        if (columnLabels != null) {
            for (String s : columnLabels) {
                hasColumnLabels |= s != null && !s.isEmpty();
            }
        }
        int left = rowLabelWidth > 0 ? PAD + rowLabelWidth + PAD : GAP;
        int top = hasColumnLabels ? PAD + fm.getHeight() + PAD : GAP;
        int step = cellSize + GAP;
        BufferedImage out = Canvas.white(left + cols * step, top + rows * step);
        Graphics2D g = Canvas.graphics(out);
        try {
            g.setFont(font);
            g.setColor(Canvas.TEXT);
            if (hasColumnLabels) {
                for (int c = 0; c < cols; c++) {
                    String s = Canvas.fit(columnLabels.get(c), fm, step);
                    int x = left + c * step + (cellSize - fm.stringWidth(s)) / 2;
                    g.drawString(s, Math.max(0, x), PAD + fm.getAscent());
                }
            }
            if (rowLabelWidth > 0) {
                for (int r = 0; r < rows; r++) {
                    String s = Canvas.fit(rowLabels.get(r), fm, rowLabelWidth);
                    int y = top + r * step + cellSize / 2 + (fm.getAscent() - fm.getDescent()) / 2;
                    g.drawString(s, left - PAD - fm.stringWidth(s), y);
                }
            }
            for (int r = 0; r < rows; r++) {
                List<BufferedImage> row = cells.get(r);
                for (int c = 0; c < cols; c++) {
                    BufferedImage cell = row != null && c < row.size() ? row.get(c) : null;
                    int x = left + c * step;
                    int y = top + r * step;
                    if (cell == null) {
                        g.setColor(EMPTY);
                        g.fillRect(x, y, cellSize, cellSize);
                        g.setColor(Canvas.MUTED);
                        g.drawLine(x, y, x + cellSize - 1, y + cellSize - 1);
                        g.drawLine(x + cellSize - 1, y, x, y + cellSize - 1);
                        continue;
                    }
                    double f = Math.min(cellSize / (double) cell.getWidth(), cellSize / (double) cell.getHeight());
                    int w = Math.max(1, Math.min(cellSize, (int) Math.round(cell.getWidth() * f)));
                    int h = Math.max(1, Math.min(cellSize, (int) Math.round(cell.getHeight() * f)));
                    g.drawImage(scale(cell, w, h), x + (cellSize - w) / 2, y + (cellSize - h) / 2, null);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Resizes a picture: nearest neighbour along an axis that grows (no blur between a small map's
     * cells), the mean of the covered source pixels along an axis that shrinks (no aliasing).
     *
     * @param image any picture
     * @param width the new width
     * @param height the new height
     * @return an RGB image of that size
     */
    public static BufferedImage scale(BufferedImage image, int width, int height) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int y0;
            int y1;
            if (height >= sh) {
                y0 = (int) ((2L * y + 1) * sh / (2L * height));
                y1 = y0 + 1;
            } else {
                y0 = (int) ((long) y * sh / height);
                y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * sh / height));
            }
            for (int x = 0; x < width; x++) {
                int x0;
                int x1;
                if (width >= sw) {
                    x0 = (int) ((2L * x + 1) * sw / (2L * width));
                    x1 = x0 + 1;
                } else {
                    x0 = (int) ((long) x * sw / width);
                    x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * sw / width));
                }
                if (x1 - x0 == 1 && y1 - y0 == 1) {
                    out.setRGB(x, y, image.getRGB(x0, y0) & 0xFFFFFF);
                    continue;
                }
                long r = 0;
                long gr = 0;
                long b = 0;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        int c = image.getRGB(xx, yy);
                        r += (c >> 16) & 0xFF;
                        gr += (c >> 8) & 0xFF;
                        b += c & 0xFF;
                    }
                }
                long n = (long) (x1 - x0) * (y1 - y0);
                out.setRGB(x, y, (int) ((r + n / 2) / n) << 16 | (int) ((gr + n / 2) / n) << 8
                        | (int) ((b + n / 2) / n));
            }
        }
        return out;
    }
}
