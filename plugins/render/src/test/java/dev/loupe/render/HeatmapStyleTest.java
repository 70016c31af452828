package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.ChannelReduction;
import dev.loupe.api.LoupeException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeatmapStyleTest {

    @Test
    void defaultsAreAbsSumClampedAt99Automatic() {
        HeatmapStyle d = HeatmapStyle.defaults();
        assertEquals(ChannelReduction.ABS_SUM, d.reduction());
        assertEquals(99.0, d.clampPercentile());
        assertEquals(0.0, d.smoothingSigma());
        assertNull(d.colormap());
        assertEquals(0.5, d.opacity());
        assertFalse(d.colorBar());
        assertEquals(d, HeatmapStyle.parse(Map.of()));
        assertEquals(d, HeatmapStyle.parse(null));
    }

    @Test
    void parseReadsEveryOption() {
        HeatmapStyle s = HeatmapStyle.parse(Map.of("reduction", "sum", "clamp", "95.5", "smooth", "1.5",
                "colormap", "jet", "opacity", "0.3", "colorbar", "yes", "floor", "min"));
        assertEquals(new HeatmapStyle(ChannelReduction.SUM, 95.5, 1.5, Colormap.JET, 0.3, true, true), s);
        HeatmapStyle t = HeatmapStyle.parse(Map.of("Colormap", "auto", "clamp", "none", "colorbar", "off",
                "reduction", "abs-max"));
        assertNull(t.colormap());
        assertEquals(100.0, t.clampPercentile());
        assertFalse(t.colorBar());
        assertEquals(ChannelReduction.ABS_MAX, t.reduction());
        assertEquals(Colormap.DIVERGING, HeatmapStyle.parse(Map.of("colormap", "bwr")).colormap());
    }

    @Test
    void optionsParseBackToTheSameStyle() {
        HeatmapStyle s = new HeatmapStyle(ChannelReduction.L2, 99.95, 0.75, Colormap.GRAY, 1, true, true);
        assertEquals(s, HeatmapStyle.parse(s.options()));
        assertEquals(HeatmapStyle.defaults(), HeatmapStyle.parse(HeatmapStyle.defaults().options()));
        assertEquals(HeatmapStyle.OPTION_KEYS, s.options().keySet().stream().toList());
    }

    @Test
    void unknownKeyListsTheKeys() {
        LoupeException e = assertThrows(LoupeException.class,
                () -> HeatmapStyle.parse(Map.of("alpha", "0.5")));
        assertTrue(e.getMessage().contains("'alpha'"), e.getMessage());
        for (String key : HeatmapStyle.OPTION_KEYS) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void badValuesNameKeyAndValue() {
        String[][] cases = {
            {"opacity", "2"}, {"clamp", "abc"}, {"clamp", "0"}, {"smooth", "-1"}, {"reduction", "max"},
            {"colormap", "rainbow"}, {"colorbar", "maybe"}, {"floor", "one"},
        };
        for (String[] c : cases) {
            LoupeException e = assertThrows(LoupeException.class,
                    () -> HeatmapStyle.parse(Map.of(c[0], c[1])), c[0] + "=" + c[1]);
            assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains("'" + c[1] + "'"), e.getMessage());
        }
        LoupeException r = assertThrows(LoupeException.class, () -> HeatmapStyle.parse(Map.of("reduction", "max")));
        assertTrue(r.getMessage().contains("abs-max"), "the reduction's choices are named: " + r.getMessage());
    }

    @Test
    void constructorChecksRanges() {
        assertThrows(LoupeException.class, () -> HeatmapStyle.defaults().withOpacity(-0.1));
        assertThrows(LoupeException.class, () -> HeatmapStyle.defaults().withClampPercentile(100.5));
        assertThrows(LoupeException.class, () -> HeatmapStyle.defaults().withSmoothingSigma(Double.NaN));
        assertThrows(LoupeException.class, () -> HeatmapStyle.defaults().withReduction(null));
    }
}
