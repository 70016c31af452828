package dev.loupe.platform.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.api.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayTest {

    @Test
    void theMapIsStretchedBetweenItsFirstAndNinetyNinthPercentiles(@TempDir Path dir) throws Exception {
        // 100 values 1000..1099 on two channels (abs-max takes the larger), one outlier far above
        float[] map = new float[2 * 100];
        for (int p = 0; p < 100; p++) {
            map[p] = 1000 + p;
            map[100 + p] = -(1000 + p) / 2f;
        }
        map[57] = 1e6f;
        Path png = dir.resolve("o.png");
        Overlay.write(new Tensor(map, new long[] {1, 2, 10, 10}), Tensor.zeros(1, 3, 10, 10), png);
        BufferedImage img = ImageIO.read(png.toFile());
        // on black, the 50 % blend halves the jet colour: blue at the 1st percentile, dark red at the 99th
        assertEquals(0x000040, img.getRGB(0, 0) & 0xFFFFFF, "the smallest value is blue, not washed up");
        assertEquals(0x400000, img.getRGB(9, 9) & 0xFFFFFF, "the 99th percentile is the top of the ramp");
        assertEquals(0x400000, img.getRGB(7, 5) & 0xFFFFFF, "the outlier is clamped, not stretching the scale");
        int middle = img.getRGB(9, 4);
        assertEquals(0x80, (middle >> 8) & 0xFF, "half way up the ramp is green");
        assertEquals(0x40, (middle >> 16) & 0xFF, 4);
        assertEquals(0x40, middle & 0xFF, 4);
    }
}
