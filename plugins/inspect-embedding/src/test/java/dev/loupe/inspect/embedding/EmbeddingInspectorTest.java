package dev.loupe.inspect.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.ShapesGenerator;
import dev.loupe.testkit.TestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingInspectorTest {
    private final EmbeddingInspector inspector = new EmbeddingInspector();

    private InspectionRequest request(ShapesGenerator.Batch batch, int[] labels, Map<String, String> params) {
        return new InspectionRequest(batch.inputs(), batch.images(), List.of(), labels, List.of(), null, null,
                ParameterSpec.resolve(EmbeddingInspector.ID, inspector.descriptor().parameters(), params));
    }

    /** The acceptance criterion: the t-SNE map of the last layer separates the four shapes. */
    @Test
    void tsneOfTheLastLayerSeparatesTheShapes() {
        ShapesGenerator.Batch batch = ShapesGenerator.generate(400, 2024);
        try (ExplainableModel model = Shapes.model()) {
            long t = System.nanoTime();
            Inspection found = inspector.inspect(model, request(batch, batch.labels(), Map.of()), new TestContext(64));
            long ms = (System.nanoTime() - t) / 1_000_000;
            Map<String, Object> d = found.details();
            System.out.println("400 generated shapes, default settings: " + d + " (" + ms + " ms in all)");
            assertEquals(Shapes.LAYER, d.get("layer"));
            assertEquals(64, d.get("features"));
            assertEquals("exact", d.get("tsne algorithm"));
            double knn = (Double) d.get("tsne 5-nn accuracy");
            assertTrue(knn >= 0.9, "5-nn accuracy in the t-SNE map " + knn);
            Tensor map = found.arrays().get("embedding-tsne");
            assertArrayEquals(new long[] {400, 2}, map.shape());
            // the same separation with Barnes–Hut
            Inspection bh = inspector.inspect(model, request(batch, batch.labels(), Map.of("tsne-algorithm",
                    "barnes-hut")), new TestContext(64));
            System.out.println("Barnes-Hut: " + bh.details());
            assertTrue((Double) bh.details().get("tsne 5-nn accuracy") >= 0.9);
        }
    }

    @Test
    void bothMethodsGiveArraysFiguresAndATable() {
        ShapesGenerator.Batch batch = ShapesGenerator.generate(40, 5);
        try (ExplainableModel model = Shapes.model()) {
            Inspection found = inspector.inspect(model, request(batch, batch.labels(), Map.of("method", "both",
                    "thumbnails", "true", "iterations", "300")), new TestContext(16));
            assertEquals(List.of("embedding-tsne", "embedding-pca"), List.copyOf(found.arrays().keySet()));
            assertEquals(List.of("embedding-tsne", "embedding-pca"), List.copyOf(found.figures().keySet()));
            assertEquals(1100, found.figures().get("embedding-pca").getWidth());
            String[] lines = found.tables().get("embedding").split("\n");
            assertEquals("index,name,label,class,tsne_x,tsne_y,pca_x,pca_y", lines[0]);
            assertEquals(41, lines.length);
            String[] row = lines[3].split(",", -1);
            assertEquals("2", row[0]);
            assertEquals(String.valueOf(batch.labels()[2]), row[2]);
            Tensor pca = found.arrays().get("embedding-pca");
            assertEquals(pca.data()[4], Float.parseFloat(row[6]), 1e-6);
            Map<String, Object> d = found.details();
            assertEquals(13.0, (Double) d.get("tsne perplexity"), 1e-12, "30 lowered to (40 − 1) / 3");
            assertTrue(d.containsKey("tsne perplexity note"));
            assertTrue(d.containsKey("pca 5-nn accuracy") && d.containsKey("tsne kl divergence")
                    && d.containsKey("pca explained variance") && d.containsKey("seconds"), d::toString);
        }
    }

    @Test
    void poolingChoosesTheFeatures() {
        ShapesGenerator.Batch batch = ShapesGenerator.generate(12, 6);
        try (ExplainableModel model = Shapes.model()) {
            Inspection max = inspector.inspect(model, request(batch, null, Map.of("method", "pca", "pool", "max")),
                    new TestContext(8));
            assertEquals(64, max.details().get("features"));
            assertTrue(!max.details().containsKey("pca 5-nn accuracy"), "no labels, no score");
            Inspection none = inspector.inspect(model, request(batch, null, Map.of("method", "pca", "pool", "none",
                    "standardize", "true")), new TestContext(8));
            assertEquals(64 * 16 * 16, none.details().get("features"));
            assertTrue(none.tables().get("embedding").split("\n")[1].startsWith("0,,,"));
        }
        // max pooling by hand
        float[] a = new float[2 * 2 * 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 7) % 5;
        }
        double[][] f = EmbeddingInspector.features(new Tensor(a, new long[] {2, 2, 3}), "max");
        assertArrayEquals(new double[] {4, 3}, f[0]);
        double[][] x = {{1, 5}, {3, 5}};
        EmbeddingInspector.standardize(x);
        assertArrayEquals(new double[] {-1, 0}, x[0]);
    }

    @Test
    void badInputIsAClearError() {
        ShapesGenerator.Batch small = ShapesGenerator.generate(3, 1);
        ShapesGenerator.Batch batch = ShapesGenerator.generate(10, 1);
        try (ExplainableModel model = Shapes.model()) {
            LoupeException few = assertThrows(LoupeException.class,
                    () -> inspector.inspect(model, request(small, null, Map.of()), new TestContext(8)));
            assertTrue(few.getMessage().contains("at least 5 inputs") && few.getMessage().contains("got 3"),
                    few.getMessage());
            // five inputs are enough: the perplexity drops to (5 − 1) / 3
            Inspection five = inspector.inspect(model, request(ShapesGenerator.generate(5, 2), null,
                    Map.of("method", "both")), new TestContext(8));
            assertEquals(4 / 3.0, (Double) five.details().get("tsne perplexity"), 1e-12);
            for (Tensor map : five.arrays().values()) {
                for (float v : map.data()) {
                    assertTrue(Float.isFinite(v), "finite map");
                }
            }
            LoupeException labels = assertThrows(LoupeException.class, () -> inspector.inspect(model,
                    request(batch, Arrays.copyOf(batch.labels(), 7), Map.of()), new TestContext(8)));
            assertTrue(labels.getMessage().contains("7 labels for 10 inputs"), labels.getMessage());
            LoupeException lr = assertThrows(LoupeException.class, () -> inspector.inspect(model,
                    request(batch, null, Map.of("learning-rate", "fast")), new TestContext(8)));
            assertTrue(lr.getMessage().contains("learning-rate"), lr.getMessage());
            LoupeException none = assertThrows(LoupeException.class, () -> inspector.inspect(model,
                    new InspectionRequest(null, null, List.of(), null, List.of(), null, null, Map.of()),
                    new TestContext(8)));
            assertTrue(none.getMessage().contains("needs inputs"), none.getMessage());
        }
    }
}
