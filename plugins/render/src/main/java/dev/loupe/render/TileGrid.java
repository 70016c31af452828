package dev.loupe.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Equally sized tiles in a grid, each with a caption of one or more lines above or below it, and an
 * optional title line on top. Tiles are copied pixel for pixel (callers enlarge them by whole factors
 * first), so a tile's colours are exactly the ones computed for it. White background, headless.
 * Where {@link ComparisonGrid} labels rows and columns, this captions every cell (feature maps with
 * their channel index, filters, prototypes with their scores).
 */
public final class TileGrid {
    /** Pixels between tiles. */
    public static final int GAP = 6;
    /** Pixels around the grid. */
    public static final int MARGIN = 8;

    private static final Color TEXT = new Color(0x222222);
    private static final Font CAPTION = new Font(Font.SANS_SERIF, Font.PLAIN, 1).deriveFont(11f);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 1).deriveFont(12f);

    private TileGrid() {
    }

    /**
     * Where everything lies.
     *
     * @param count the number of tiles
     * @param columns tiles per row
     * @param tileWidth a tile's width in pixels
     * @param tileHeight a tile's height in pixels
     * @param captionHeight the height of the caption band of each tile (0 without captions)
     * @param below whether captions lie below their tiles (otherwise above)
     * @param titleHeight the height of the title band on top (0 without a title)
     */
    public record Layout(int count, int columns, int tileWidth, int tileHeight, int captionHeight, boolean below,
            int titleHeight) {

        /** @return rows of tiles */
        public int rows() {
            return (count + columns - 1) / columns;
        }

        /** @return the width of the tiles and margins (the figure is wider where its title needs it) */
        public int width() {
            return 2 * MARGIN + columns * tileWidth + (columns - 1) * GAP;
        }

        /** @return the figure's height */
        public int height() {
            return 2 * MARGIN + titleHeight + rows() * (tileHeight + captionHeight) + (rows() - 1) * GAP;
        }

        /** @return the left edge of tile {@code i} */
        public int tileX(int i) {
            return MARGIN + (i % columns) * (tileWidth + GAP);
        }

        /** @return the top edge of tile {@code i} (its picture, not its caption) */
        public int tileY(int i) {
            return MARGIN + titleHeight + (i / columns) * (tileHeight + captionHeight + GAP)
                    + (below ? 0 : captionHeight);
        }

        /** @return the top edge of tile {@code i}'s caption band */
        public int captionY(int i) {
            return below ? tileY(i) + tileHeight : tileY(i) - captionHeight;
        }
    }

    /** @return the columns of a near-square grid for {@code count} tiles: ceil(sqrt(count)) */
    public static int squareColumns(int count) {
        return Math.max(1, (int) Math.ceil(Math.sqrt(count)));
    }

    /**
     * @param count tiles
     * @param columns tiles per row
     * @param tileWidth width of each tile
     * @param tileHeight height of each tile
     * @param captionLines lines of caption per tile (0 for none)
     * @param below captions below the tiles rather than above
     * @param title whether there is a title line
     * @return the layout {@link #draw} uses for the same arguments
     */
    public static Layout layout(int count, int columns, int tileWidth, int tileHeight, int captionLines, boolean below,
            boolean title) {
        int line = metrics(CAPTION).getHeight();
        int captionHeight = captionLines == 0 ? 0 : captionLines * line + 2;
        int titleHeight = title ? metrics(TITLE).getHeight() + 4 : 0;
        return new Layout(count, Math.max(1, Math.min(columns, Math.max(1, count))), tileWidth, tileHeight,
                captionHeight, below, titleHeight);
    }

    /**
     * Draws the grid.
     *
     * @param title the title line, or null
     * @param tiles the pictures, all {@code tileWidth × tileHeight}
     * @param captions per tile its caption lines (each list as long as {@code captionLines}), or null
     * @param columns tiles per row
     * @param below captions below the tiles
     * @return an RGB picture on white
     */
    public static BufferedImage draw(String title, List<BufferedImage> tiles, List<List<String>> captions, int columns,
            boolean below) {
        int tw = tiles.get(0).getWidth();
        int th = tiles.get(0).getHeight();
        int lines = captions == null ? 0 : captions.stream().mapToInt(List::size).max().orElse(0);
        Layout l = layout(tiles.size(), columns, tw, th, lines, below, title != null);
        // a grid narrower than its title is widened on the right; tiles keep their places
        int width = title == null ? l.width() : Math.max(l.width(), 2 * MARGIN + metrics(TITLE).stringWidth(title));
        BufferedImage out = new BufferedImage(width, l.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(TEXT);
            if (title != null) {
                g.setFont(TITLE);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(title, MARGIN, MARGIN + fm.getAscent());
            }
            g.setFont(CAPTION);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < tiles.size(); i++) {
                BufferedImage t = tiles.get(i);
                if (t.getWidth() != tw || t.getHeight() != th) {
                    throw new IllegalArgumentException("tile " + i + " is " + t.getWidth() + "×" + t.getHeight()
                            + ", the others " + tw + "×" + th);
                }
                g.drawImage(t, l.tileX(i), l.tileY(i), null);
                if (captions != null) {
                    List<String> c = captions.get(i);
                    for (int k = 0; k < c.size(); k++) {
                        String s = fit(c.get(k), fm, tw + GAP);
                        int x = l.tileX(i) + (tw - fm.stringWidth(s)) / 2;
                        g.drawString(s, Math.max(0, x), l.captionY(i) + 1 + k * fm.getHeight() + fm.getAscent());
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Enlarges a picture by a whole factor, nearest neighbour, so every source pixel becomes a
     * {@code factor × factor} block of exactly its colour.
     */
    public static BufferedImage enlarge(BufferedImage image, int factor) {
        if (factor == 1) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth() * factor, image.getHeight() * factor,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, image.getRGB(x / factor, y / factor));
            }
        }
        return out;
    }

    private static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            return g.getFontMetrics();
        } finally {
            g.dispose();
        }
    }

    private static String fit(String text, FontMetrics fm, int maxWidth) {
        String s = text == null ? "" : text;
        if (fm.stringWidth(s) <= maxWidth) {
            return s;
        }
        int end = s.length();
        while (end > 0 && fm.stringWidth(s.substring(0, end) + "\u2026") > maxWidth) {
            end--;
        }
        return end == 0 ? "" : s.substring(0, end) + "\u2026";
    }
}
