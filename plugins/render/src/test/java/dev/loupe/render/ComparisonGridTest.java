package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonGridTest {

    private static BufferedImage solid(int rgb, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void sizeIsLabelMarginsPlusCellsAndEveryCellSitsInItsPlace() {
        int cell = 40;
        int[][] colours = {{0xFF0000, 0x00FF00, 0x0000FF}, {0xFFFF00, 0x00FFFF, 0xFF00FF}};
        List<List<BufferedImage>> cells = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            List<BufferedImage> row = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                // tiny maps, exact-size cells and large inputs mixed
                int side = c == 0 ? 4 : c == 1 ? cell : 300;
                row.add(solid(colours[r][c], side, side));
            }
            cells.add(row);
        }
        BufferedImage grid = ComparisonGrid.draw(List.of("input one", "input two"),
                List.of("saliency", "gradcam", "occlusion"), cells, cell);
        int step = cell + ComparisonGrid.GAP;
        int left = grid.getWidth() - 3 * step;
        int top = grid.getHeight() - 2 * step;
        assertTrue(left > 40, "room for the row labels: " + left);
        assertTrue(top > 10 && top < 40, "one line for the column labels: " + top);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                int x = left + c * step;
                int y = top + r * step;
                for (int[] p : new int[][] {{1, 1}, {cell / 2, cell / 2}, {cell - 2, cell - 2}}) {
                    assertEquals(colours[r][c], rgb(grid, x + p[0], y + p[1]), "cell " + r + "," + c);
                }
                assertEquals(0xFFFFFF, rgb(grid, x + cell + ComparisonGrid.GAP / 2, y + cell / 2), "gap after cell");
            }
        }
        // the labels are drawn: dark pixels in the margins
        assertTrue(hasDark(grid, 0, top, left - 1, grid.getHeight()), "row labels");
        assertTrue(hasDark(grid, left, 0, grid.getWidth(), top - 1), "column labels");
    }

    @Test
    void withoutLabelsTheMarginsAreTheGap() {
        List<List<BufferedImage>> cells = List.of(List.of(solid(0x123456, 8, 8)));
        BufferedImage grid = ComparisonGrid.draw(null, null, cells, 16);
        int step = 16 + ComparisonGrid.GAP;
        assertEquals(ComparisonGrid.GAP + step, grid.getWidth());
        assertEquals(ComparisonGrid.GAP + step, grid.getHeight());
        assertEquals(0x123456, rgb(grid, ComparisonGrid.GAP, ComparisonGrid.GAP));
    }

    @Test
    void smallMapsStayCrispAndWideImagesKeepTheirShape() {
        // a 2×2 checkerboard scaled to 40 pixels: blocks of 20, no blended colours
        BufferedImage checker = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        checker.setRGB(0, 0, 0xFFFFFF);
        checker.setRGB(1, 1, 0xFFFFFF);
        BufferedImage wide = solid(0xFF0000, 20, 10);
        BufferedImage grid = ComparisonGrid.draw(null, null, List.of(List.of(checker, wide)), 40);
        int g = ComparisonGrid.GAP;
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                boolean white = (x < 20) == (y < 20);
                assertEquals(white ? 0xFFFFFF : 0x000000, rgb(grid, g + x, g + y), "checker " + x + "," + y);
            }
        }
        int x0 = g + 40 + g;
        assertEquals(0xFFFFFF, rgb(grid, x0 + 20, g + 5), "wide picture is letterboxed, white above");
        assertEquals(0xFF0000, rgb(grid, x0 + 20, g + 20), "and centred");
        assertEquals(0xFF0000, rgb(grid, x0, g + 11));
        assertEquals(0xFF0000, rgb(grid, x0 + 39, g + 29));
    }

    @Test
    void scaleAveragesWhenItShrinks() {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFFFFFF);
        img.setRGB(1, 1, 0xFFFFFF);
        BufferedImage half = ComparisonGrid.scale(img, 2, 1);
        assertEquals(0x808080, rgb(half, 0, 0));
        assertEquals(0x000000, rgb(half, 1, 0));
    }

    @Test
    void missingCellsAreGreyAndLabelsMustMatch() {
        List<List<BufferedImage>> cells = new ArrayList<>();
        cells.add(Arrays.asList(solid(0x00FF00, 4, 4), null));
        cells.add(List.of(solid(0x0000FF, 4, 4)));
        BufferedImage grid = ComparisonGrid.draw(List.of("a", "b"), List.of("m1", "m2"), cells, 30);
        int step = 30 + ComparisonGrid.GAP;
        int left = grid.getWidth() - 2 * step;
        int top = grid.getHeight() - 2 * step;
        assertEquals(0xEEEEEE, rgb(grid, left + step + 15, top + 5), "null cell");
        assertEquals(0xEEEEEE, rgb(grid, left + step + 15, top + step + 5), "short row");
        assertThrows(LoupeException.class, () -> ComparisonGrid.draw(List.of("only one"), null, cells, 30));
        assertThrows(LoupeException.class, () -> ComparisonGrid.draw(null, List.of("m1"), cells, 30));
        assertThrows(LoupeException.class, () -> ComparisonGrid.draw(null, null, cells, 0));
    }

    private static boolean hasDark(BufferedImage img, int x0, int y0, int x1, int y1) {
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
                int c = rgb(img, x, y);
                if (((c >> 16) & 0xFF) < 100 && ((c >> 8) & 0xFF) < 100 && (c & 0xFF) < 100) {
                    return true;
                }
            }
        }
        return false;
    }
}
