package dev.loupe.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayerActivationsTest {

    @Test
    void activationsDoNotDependOnTheBatchesAndPoolingAveragesEachChannel() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor inputs = Shapes.inputs();
            Tensor small = LayerActivations.capture(model, inputs, List.of(Shapes.LAYER), false, new TestContext(3))
                    .get(Shapes.LAYER);
            Tensor large = LayerActivations.capture(model, inputs, List.of(Shapes.LAYER), false, new TestContext(64))
                    .get(Shapes.LAYER);
            assertArrayEquals(new long[] {8, 64, 16, 16}, small.shape());
            assertArrayEquals(large.data(), small.data(), 1e-6f);
            Map<String, Tensor> pooled = LayerActivations.capture(model, inputs, List.of("auto"), true,
                    new TestContext(5));
            Tensor p = pooled.get(Shapes.LAYER);
            assertArrayEquals(new long[] {8, 64}, p.shape());
            double sum = 0;
            for (int k = 0; k < 256; k++) {
                sum += small.data()[(2 * 64 + 7) * 256 + k];
            }
            assertEquals(sum / 256, p.data()[2 * 64 + 7], 1e-5);
        }
    }

    @Test
    void unitsOutOfRangeSayTheRange() {
        try (ExplainableModel model = Shapes.model()) {
            assertEquals(64, LayerActivations.checkUnit(model, Shapes.LAYER, 63));
            LoupeException e = assertThrows(LoupeException.class,
                    () -> LayerActivations.checkUnit(model, Shapes.LAYER, 64));
            assertTrue(e.getMessage().contains("0..63"), e::getMessage);
            assertEquals(3, LayerActivations.layersOfType(model.info(), Set.of("Conv")).size());
        }
    }
}
