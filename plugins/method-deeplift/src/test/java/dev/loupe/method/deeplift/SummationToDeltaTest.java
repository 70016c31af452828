package dev.loupe.method.deeplift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Summation-to-delta on random networks, random inputs and random references: the contributions
 * of each input sum to F(x) − F(x′), with F computed here by plain forward passes.
 */
class SummationToDeltaTest {
    @TempDir
    Path dir;

    private record Case(Tensor x, Tensor reference, Path referenceFile, int[] targets) {
    }

    private Case randomCase(ExplainableModel model, int n, long seed) throws IOException {
        long[] shape = model.info().inputs().get(0).shape().clone();
        shape[0] = n;
        Random random = new Random(seed);
        Tensor x = gaussian(shape, random, 1.5);
        Tensor reference = gaussian(shape, random, 0.5);
        Path file = dir.resolve("reference-" + seed + ".npy");
        Npy.write(file, reference);
        long classes = model.predict(x).shape()[1];
        int[] targets = new int[n];
        Arrays.setAll(targets, i -> random.nextInt((int) classes));
        return new Case(x, reference, file, targets);
    }

    private static Tensor gaussian(long[] shape, Random random, double sigma) {
        float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int p = 0; p < v.length; p++) {
            v[p] = (float) (sigma * random.nextGaussian());
        }
        return new Tensor(v, shape);
    }

    /** The score of each input's target, by a plain forward pass; softmax first for probabilities. */
    private static double[] scores(ExplainableModel model, Tensor x, int[] targets, boolean probability,
            boolean centred) {
        Tensor s = model.predict(x);
        int classes = (int) s.shape()[1];
        double[] out = new double[targets.length];
        for (int i = 0; i < targets.length; i++) {
            double[] row = new double[classes];
            for (int c = 0; c < classes; c++) {
                row[c] = s.data()[i * classes + c];
            }
            if (probability) {
                double max = Arrays.stream(row).max().orElseThrow();
                double total = Arrays.stream(row).map(v -> Math.exp(v - max)).sum();
                out[i] = Math.exp(row[targets[i]] - max) / total;
            } else {
                out[i] = row[targets[i]] - (centred ? Arrays.stream(row).average().orElseThrow() : 0);
            }
        }
        return out;
    }

    private static void assertSumsToDelta(Attribution a, double[] fx, double[] fr, String what) {
        double[] sums = TestModels.sums(a);
        for (int i = 0; i < sums.length; i++) {
            double difference = fx[i] - fr[i];
            double scale = Math.max(1e-3, Math.abs(fx[i]) + Math.abs(fr[i]));
            assertEquals(difference, sums[i], 1e-4 * scale, what + ": Σattr vs F(x) − F(x'), input " + i);
            // the reported delta is the same quantity
            assertEquals(sums[i] - difference, a.convergenceDelta()[i], 1e-5 * scale, what + ": delta, input " + i);
        }
        assertFalse(a.details().containsKey("gradient at nonlinear nodes"),
                what + ": every nonlinear node has a rule, yet " + a.details());
    }

    @ParameterizedTest
    @CsvSource({"random_dense.onnx, rescale, 0", "random_dense.onnx, reveal-cancel, 0", "random_conv.onnx, rescale, 0",
        "random_conv.onnx, reveal-cancel, 1", "random_mobile.onnx, rescale, 0", "random_mobile.onnx, reveal-cancel, 0"})
    void contributionsSumToTheScoreDifference(String network, String rule, int rescaled) throws IOException {
        try (ExplainableModel model = TestModels.load(network)) {
            for (long seed = 1; seed <= 3; seed++) {
                Case c = randomCase(model, 5, seed);
                Attribution a = TestModels.explain(model, c.x(), Objective.logit(c.targets()),
                        Map.of("rule", rule, "baseline", c.referenceFile().toString()), 2);
                assertSumsToDelta(a, scores(model, c.x(), c.targets(), false, false),
                        scores(model, c.reference(), c.targets(), false, false),
                        network + " " + rule + " seed " + seed);
                // RevealCancel needs a weighted layer before the nonlinearity: only the ReLU after the residual sum
                // lacks one
                Object fallbacks = a.details().getOrDefault("rescale instead of reveal-cancel", List.of());
                assertEquals(rescaled, ((List<?>) fallbacks).size(), network + ": " + fallbacks);
            }
        }
    }

    @Test
    void revealCancelDiffersFromRescaleWhereTermsCancel() throws IOException {
        try (ExplainableModel model = TestModels.load("random_conv.onnx")) {
            Case c = randomCase(model, 3, 9);
            Objective o = Objective.logit(c.targets());
            String reference = c.referenceFile().toString();
            float[] rescale = TestModels.explain(model, c.x(), o, Map.of("baseline", reference), 8).map().data();
            float[] reveal = TestModels.explain(model, c.x(), o, Map.of("rule", "reveal-cancel", "baseline", reference),
                    8).map().data();
            double largest = 0;
            double differs = 0;
            for (int p = 0; p < rescale.length; p++) {
                largest = Math.max(largest, Math.abs(rescale[p]));
                differs = Math.max(differs, Math.abs(rescale[p] - reveal[p]));
            }
            assertTrue(differs > 1e-2 * largest, "reveal-cancel gave Rescale's map: max difference " + differs);
        }
    }

    @ParameterizedTest
    @CsvSource({"rescale", "reveal-cancel"})
    void probabilitiesAndTheSoftmaxAdjustmentAlsoSumToTheirDifferences(String rule) throws IOException {
        try (ExplainableModel model = TestModels.load("random_mobile.onnx")) {
            Case c = randomCase(model, 4, 5);
            Map<String, String> params = Map.of("rule", rule, "baseline", c.referenceFile().toString());
            Attribution p = TestModels.explain(model, c.x(), Objective.probability(c.targets()), params, 3);
            assertSumsToDelta(p, scores(model, c.x(), c.targets(), true, false),
                    scores(model, c.reference(), c.targets(), true, false), rule + " probability");

            Map<String, String> adjusted = new java.util.HashMap<>(params);
            adjusted.put("softmax-adjust", "true");
            Attribution centred = TestModels.explain(model, c.x(), Objective.logit(c.targets()), adjusted, 3);
            assertSumsToDelta(centred, scores(model, c.x(), c.targets(), false, true),
                    scores(model, c.reference(), c.targets(), false, true), rule + " softmax-adjust");
        }
    }
}
