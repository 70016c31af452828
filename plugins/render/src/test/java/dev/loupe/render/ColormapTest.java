package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import org.junit.jupiter.api.Test;

class ColormapTest {

    /** Asserts each channel of {@code actual} within {@code tolerance} of {@code expected}. */
    static void assertColor(int expected, int actual, int tolerance, String what) {
        for (int shift = 16; shift >= 0; shift -= 8) {
            int e = (expected >> shift) & 0xFF;
            int a = (actual >> shift) & 0xFF;
            assertTrue(Math.abs(e - a) <= tolerance, String.format("%s: expected %06X, got %06X", what,
                    expected & 0xFFFFFF, actual & 0xFFFFFF));
        }
    }

    static int red(int c) {
        return (c >> 16) & 0xFF;
    }

    static int green(int c) {
        return (c >> 8) & 0xFF;
    }

    static int blue(int c) {
        return c & 0xFF;
    }

    @Test
    void viridisMatchesMatplotlibAtItsEndsAndMiddle() {
        assertColor(0x440154, Colormap.VIRIDIS.rgb(0), 0, "viridis(0)");
        assertColor(0xFDE725, Colormap.VIRIDIS.rgb(1), 0, "viridis(1)");
        assertColor(0x21918C, Colormap.VIRIDIS.rgb(0.5), 2, "viridis(0.5)");
        // matplotlib's viridis(0.25) is #3B528B and viridis(0.75) is #5EC962
        assertColor(0x3B528B, Colormap.VIRIDIS.rgb(0.25), 2, "viridis(0.25)");
        assertColor(0x5EC962, Colormap.VIRIDIS.rgb(0.75), 2, "viridis(0.75)");
    }

    @Test
    void viridisGetsBrighterAllTheWay() {
        double previous = -1;
        for (int i = 0; i <= 100; i++) {
            int c = Colormap.VIRIDIS.rgb(i / 100.0);
            double luma = 0.2126 * red(c) + 0.7152 * green(c) + 0.0722 * blue(c);
            assertTrue(luma > previous, "luminance rises at t=" + i / 100.0);
            previous = luma;
        }
    }

    @Test
    void divergingIsBlueWhiteRed() {
        assertEquals(0xFFFFFF, Colormap.DIVERGING.rgb(0.5));
        assertEquals(0x0000FF, Colormap.DIVERGING.rgb(0));
        assertEquals(0xFF0000, Colormap.DIVERGING.rgb(1));
        assertColor(0x8080FF, Colormap.DIVERGING.rgb(0.25), 1, "light blue half way to white");
        assertColor(0xFF8080, Colormap.DIVERGING.rgb(0.75), 1, "light red half way to white");
    }

    @Test
    void jetRunsFromDarkBlueThroughGreenToDarkRed() {
        assertEquals(0x000080, Colormap.JET.rgb(0));
        assertEquals(0x800000, Colormap.JET.rgb(1));
        int mid = Colormap.JET.rgb(0.5);
        assertEquals(255, green(mid), "jet(0.5) is greenish: " + Integer.toHexString(mid));
        assertTrue(red(mid) < 140 && blue(mid) < 140, "jet(0.5) is greenish: " + Integer.toHexString(mid));
        int quarter = Colormap.JET.rgb(0.25);
        assertTrue(blue(quarter) == 255 && red(quarter) == 0, "jet(0.25) is blue/cyan");
    }

    @Test
    void grayIsLinear() {
        for (int i = 0; i <= 10; i++) {
            int v = (int) Math.round(i / 10.0 * 255);
            assertEquals(v << 16 | v << 8 | v, Colormap.GRAY.rgb(i / 10.0));
        }
    }

    @Test
    void positionsOutsideTheScaleAreClamped() {
        for (Colormap c : Colormap.values()) {
            assertEquals(c.rgb(0), c.rgb(-3));
            assertEquals(c.rgb(1), c.rgb(7));
            assertEquals(c.rgb(0), c.rgb(Double.NaN));
        }
    }

    @Test
    void parseAcceptsTheNamesUsersWrite() {
        assertEquals(Colormap.VIRIDIS, Colormap.parse("viridis"));
        assertEquals(Colormap.JET, Colormap.parse(" JET "));
        assertEquals(Colormap.DIVERGING, Colormap.parse("diverging"));
        assertEquals(Colormap.DIVERGING, Colormap.parse("bwr"));
        assertEquals(Colormap.GRAY, Colormap.parse("gray"));
        assertEquals(Colormap.GRAY, Colormap.parse("grey"));
        for (Colormap c : Colormap.values()) {
            assertEquals(c, Colormap.parse(c.id()));
        }
        LoupeException e = assertThrows(LoupeException.class, () -> Colormap.parse("magma"));
        assertTrue(e.getMessage().contains("'magma'"), e.getMessage());
        for (String choice : new String[] {"viridis", "jet", "diverging", "bwr", "gray"}) {
            assertTrue(e.getMessage().contains(choice), e.getMessage());
        }
    }
}
