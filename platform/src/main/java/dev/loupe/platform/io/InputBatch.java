package dev.loupe.platform.io;

import dev.loupe.api.Tensor;
import java.util.List;

/**
 * Inputs read from the command line.
 *
 * @param inputs the model inputs, [N, C, H, W]
 * @param display the same images in [0,1] RGB for overlays, [N, 3, H, W] (or [N, 1, H, W])
 * @param names one name per input (file name or {@code input-i})
 */
public record InputBatch(Tensor inputs, Tensor display, List<String> names) {
}
