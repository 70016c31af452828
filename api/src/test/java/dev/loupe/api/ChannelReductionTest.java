package dev.loupe.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelReductionTest {
    // one input, two channels, 1×2 pixels: channel 0 = (3, -1), channel 1 = (-4, 2)
    private static final Tensor MAP = new Tensor(new float[] {3, -1, -4, 2}, new long[] {1, 2, 1, 2});

    @Test
    void eachReductionGivesItsValuePerPixel() {
        assertArrayEquals(new float[] {4, 2}, ChannelReduction.ABS_MAX.apply(MAP).data());
        assertArrayEquals(new float[] {7, 3}, ChannelReduction.ABS_SUM.apply(MAP).data());
        assertArrayEquals(new float[] {-1, 1}, ChannelReduction.SUM.apply(MAP).data());
        assertArrayEquals(new float[] {5, (float) Math.sqrt(5)}, ChannelReduction.L2.apply(MAP).data(), 1e-6f);
        assertArrayEquals(new long[] {1, 1, 1, 2}, ChannelReduction.SUM.apply(MAP).shape());
    }

    @Test
    void namesParseAndUnknownOnesListTheChoices() {
        assertEquals(ChannelReduction.ABS_MAX, ChannelReduction.parse("abs-max"));
        assertEquals(ChannelReduction.L2, ChannelReduction.parse("L2"));
        assertEquals("abs-sum", ChannelReduction.ABS_SUM.id());
        LoupeException e = assertThrows(LoupeException.class, () -> ChannelReduction.parse("mean"));
        assertTrue(e.getMessage().contains("abs-max, abs-sum, sum or l2"), e::getMessage);
    }
}
