package dev.loupe.method.excitationbackprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.LoupeException;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExcitationBackpropTest {
    private static final String POOL2 = "/pool2/MaxPool_output_0";
    private final ExcitationBackprop method = new ExcitationBackprop();
    private final ContrastiveExcitationBackprop contrastive = new ContrastiveExcitationBackprop();

    @Test
    void atTheInputWithPositiveBiasesItIsZennitsComposite() {
        Shapes.assertMatches("zennit_excitation_backprop",
                Shapes.explain(method, List.of(), Map.of("bias", "true"), 32).map());
    }

    @Test
    void atTheSecondPoolItIsTorchRaysMap() {
        Attribution a = Shapes.explain(method, List.of(POOL2), Map.of(), 32);
        Shapes.assertMatches("torchray_excitation_backprop", a.layerMap());
        assertEquals(List.of(POOL2), a.layers());
        assertArrayEquals(new long[] {8, 1, 64, 64}, a.map().shape());
    }

    /** Without biases, the whole probability of the class reaches the layer (ReLU inputs are non-negative). */
    @Test
    void theClassProbabilityIsConservedDownToTheLayer() {
        float[] map = Shapes.explain(method, List.of(POOL2), Map.of(), 32).layerMap().data();
        for (int i = 0; i < 8; i++) {
            double sum = 0;
            for (int p = 0; p < 256; p++) {
                sum += map[i * 256 + p];
            }
            assertEquals(1.0, sum, 1e-3, "input " + i);
        }
        float[] biased = Shapes.explain(method, List.of(POOL2), Map.of("bias", "true"), 32).layerMap().data();
        double total = 0;
        for (float v : biased) {
            total += v;
        }
        assertTrue(total < 8 - 1e-3, "positive biases take a share: " + total);
    }

    @Test
    void contrastiveMatchesTorchRay() {
        Attribution a = Shapes.explain(contrastive, List.of(POOL2), Map.of(), 32);
        Shapes.assertMatches("torchray_contrastive_excitation_backprop", a.layerMap());
        // the contrast layer by default is what feeds the classifier; naming the pooled layer is the same
        Attribution atGap = Shapes.explain(contrastive, List.of(POOL2),
                Map.of("contrast-layer", "/gap/GlobalAveragePool_output_0", "classifier", "/fc/Gemm"), 32);
        Fixtures.assertClose(a.layerMap().data(), atGap.layerMap().data(), 1e-6, "contrast at the GAP output");
    }

    @Test
    void batchingDoesNotChangeTheMaps() {
        Fixtures.assertClose(Shapes.explain(contrastive, List.of(POOL2), Map.of(), 32).layerMap().data(),
                Shapes.explain(contrastive, List.of(POOL2), Map.of(), 3).layerMap().data(), 1e-6, "contrastive");
        Fixtures.assertClose(Shapes.explain(method, List.of(), Map.of(), 32).map().data(),
                Shapes.explain(method, List.of(), Map.of(), 3).map().data(), 1e-6, "input");
    }

    @Test
    void badLayersAreRefusedWithTheReason() {
        LoupeException several = assertThrows(LoupeException.class,
                () -> Shapes.explain(method, List.of(POOL2, Shapes.LAYER), Map.of(), 32));
        assertTrue(several.getMessage().contains("one layer"), several.getMessage());
        LoupeException flat = assertThrows(LoupeException.class,
                () -> Shapes.explain(method, List.of("/Flatten_output_0"), Map.of(), 32));
        assertTrue(flat.getMessage().contains("[N, C, H, W]"), flat.getMessage());
        LoupeException relu = assertThrows(LoupeException.class,
                () -> Shapes.explain(contrastive, List.of(POOL2), Map.of("classifier", "/relu3/Relu"), 32));
        assertTrue(relu.getMessage().contains("is a Relu"), relu.getMessage());
    }
}
