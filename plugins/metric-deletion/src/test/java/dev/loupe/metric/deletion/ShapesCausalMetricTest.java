package dev.loupe.metric.deletion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Metric;
import dev.loupe.api.Objective;
import dev.loupe.api.PassRequest;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Shapes;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** On the shapes fixture model: an informative map beats a random one, and batching changes nothing. */
class ShapesCausalMetricTest {

    /** Input × gradient of the true class's logit: an informative map without another method bundle. */
    private static Tensor inputTimesGradient(ExplainableModel model, Tensor x, int[] labels) {
        try (NDManager m = model.newManager()) {
            PassRequest pass = new PassRequest(m.create(x.data(), new Shape(x.shape())), Objective.logit(labels),
                    List.of(), true, Map.of(), null);
            float[] g = model.pass(pass).inputGradient().toFloatArray();
            float[] out = new float[g.length];
            for (int k = 0; k < g.length; k++) {
                out[k] = g[k] * x.data()[k];
            }
            return new Tensor(out, x.shape());
        }
    }

    private static Tensor random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 64 * 64];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) r.nextGaussian();
        }
        return new Tensor(v, new long[] {n, 1, 64, 64});
    }

    @Test
    void anInformativeMapBeatsARandomOne() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs();
            int[] labels = Shapes.labels();
            Tensor informative = inputTimesGradient(model, x, labels);
            Tensor random = random(x.batchSize(), 7);
            Map<String, String> p = Map.of("steps", "32");
            double delInformative = CausalMetricTest.evaluate(new Deletion(), model, x, informative, labels, p, 64)
                    .scores().get("score");
            double delRandom = CausalMetricTest.evaluate(new Deletion(), model, x, random, labels, p, 64)
                    .scores().get("score");
            double insInformative = CausalMetricTest.evaluate(new Insertion(), model, x, informative, labels, p, 64)
                    .scores().get("score");
            double insRandom = CausalMetricTest.evaluate(new Insertion(), model, x, random, labels, p, 64)
                    .scores().get("score");
            System.out.printf("shapes, input x gradient vs random: deletion %.4f vs %.4f, insertion %.4f vs %.4f%n",
                    delInformative, delRandom, insInformative, insRandom);
            assertTrue(delInformative < delRandom, "deletion " + delInformative + " vs random " + delRandom);
            assertTrue(insInformative > insRandom, "insertion " + insInformative + " vs random " + insRandom);
        }
    }

    @Test
    void batchingDoesNotChangeTheResult() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(3);
            int[] labels = java.util.Arrays.copyOf(Shapes.labels(), 3);
            Tensor map = inputTimesGradient(model, x, labels);
            for (Metric metric : List.of(new Deletion(), new Insertion())) {
                Map<String, String> p = Map.of("steps", "20");
                Metric.Result small = CausalMetricTest.evaluate(metric, model, x, map, labels, p, 3);
                Metric.Result large = CausalMetricTest.evaluate(metric, model, x, map, labels, p, 64);
                for (int i = 0; i < 3; i++) {
                    List<Double> a = small.curves().get("input-" + i);
                    List<Double> b = large.curves().get("input-" + i);
                    assertEquals(21, a.size());
                    for (int j = 0; j < a.size(); j++) {
                        assertEquals(b.get(j), a.get(j), 1e-6, metric.descriptor().id() + " input " + i + " step " + j);
                    }
                }
                assertEquals(large.scores().get("score"), small.scores().get("score"), 1e-6);
            }
        }
    }
}
