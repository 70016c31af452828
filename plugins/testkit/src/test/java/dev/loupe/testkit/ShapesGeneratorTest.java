package dev.loupe.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Tensor;
import org.junit.jupiter.api.Test;

class ShapesGeneratorTest {

    @Test
    void theShapesModelRecognisesTheGeneratedImages() {
        ShapesGenerator.Batch batch = ShapesGenerator.generate(200, 7);
        try (ExplainableModel model = Shapes.model()) {
            Tensor logits = model.predict(batch.inputs());
            int correct = 0;
            int[] perClass = new int[4];
            int[] seen = new int[4];
            for (int i = 0; i < 200; i++) {
                int best = 0;
                for (int k = 1; k < 4; k++) {
                    if (logits.data()[i * 4 + k] > logits.data()[i * 4 + best]) {
                        best = k;
                    }
                }
                seen[batch.labels()[i]]++;
                if (best == batch.labels()[i]) {
                    correct++;
                    perClass[best]++;
                }
            }
            double accuracy = correct / 200.0;
            System.out.printf("shapes model on 200 generated images: accuracy %.3f (per class %d/%d %d/%d %d/%d %d/%d)%n",
                    accuracy, perClass[0], seen[0], perClass[1], seen[1], perClass[2], seen[2], perClass[3], seen[3]);
            assertTrue(accuracy >= 0.95, "accuracy " + accuracy);
            for (int k = 0; k < 4; k++) {
                assertTrue(seen[k] >= 30, "every class is drawn: " + k + " " + seen[k]);
            }
        }
    }

    @Test
    void looksLikeTheFixture() {
        ShapesGenerator.Batch batch = ShapesGenerator.generate(64, 3);
        int plane = 64 * 64;
        double bgSum = 0;
        double bgSq = 0;
        long bg = 0;
        for (int i = 0; i < 64; i++) {
            int area = 0;
            for (int q = 0; q < plane; q++) {
                boolean object = batch.masks().data()[i * plane + q] > 0;
                area += object ? 1 : 0;
                for (int c = 0; c < 3; c++) {
                    float v = batch.images().data()[(i * 3 + c) * plane + q];
                    assertTrue(v >= 0 && v <= 1);
                    assertEquals((v - 0.4f) / 0.25f, batch.inputs().data()[(i * 3 + c) * plane + q], 1e-6);
                    if (!object) {
                        bgSum += v;
                        bgSq += v * v;
                        bg++;
                    }
                }
            }
            assertTrue(area >= 40 && area <= 800, "object area " + area);
        }
        double mean = bgSum / bg;
        double std = Math.sqrt(bgSq / bg - mean * mean);
        // the fixture's eight samples: background mean 0.32..0.37, standard deviation 0.07..0.11
        assertEquals(0.35, mean, 0.02);
        assertEquals(0.09, std, 0.02);
    }

    @Test
    void seedsReproduce() {
        ShapesGenerator.Batch a = ShapesGenerator.generate(5, 42);
        ShapesGenerator.Batch b = ShapesGenerator.generate(5, 42);
        ShapesGenerator.Batch c = ShapesGenerator.generate(5, 43);
        assertArrayEquals(a.images().data(), b.images().data());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.masks().data(), b.masks().data());
        assertNotEquals(a.images(), c.images());
        assertArrayEquals(new int[] {3, 1}, ShapesGenerator.generate(new int[] {3, 1}, 0).labels());
        assertThrows(IllegalArgumentException.class, () -> ShapesGenerator.generate(new int[] {4}, 0));
    }
}
