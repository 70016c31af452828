package dev.loupe.method.kernelshap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.FunctionModel;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelShapTest {

    static Attribution run(ExplainableModel model, Tensor inputs, Objective objective, Map<String, String> params,
            int batch) {
        KernelShap method = new KernelShap();
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(KernelShap.ID, method.descriptor().parameters(), params));
        return method.explain(model, inputs, request, new TestContext(batch));
    }

    /**
     * Captum's reference is one 3000-sample estimate, and Captum itself, re-run with other seeds,
     * agrees with it at only 0.81–0.85 on input 4 and 0.36–0.48 on input 7
     * (src/test/python/captum_kernelshap_reruns.py, which also reproduces the reference exactly with
     * seed 0). Any of those reruns is as valid an estimate as the reference, so "matches
     * statistically" means: at least the manifest's Pearson, or, where Captum's own reruns fall short
     * of it, at least the agreement of Captum's worst rerun.
     */
    @Test
    void correlatesWithCaptumAsWellAsCaptumsOwnRerunsAndWithItself() throws IOException {
        // the reference's call: grid8 mask, baselines=0, n_samples=3000
        Map<String, String> call = Map.of("mask", "grid:8", "baseline", "0", "samples", "3000");
        Tensor ours = Shapes.explain(new KernelShap(), List.of(), call, 32).map();
        Map<String, String> reseeded = new java.util.HashMap<>(call);
        reseeded.put("seed", "1");
        Tensor again = Shapes.explain(new KernelShap(), List.of(), reseeded, 32).map();
        Tensor reference = Shapes.reference("kernelshap_grid8_n3000");
        double manifest = Double.parseDouble(Shapes.rule("kernelshap_grid8_n3000")
                .replaceAll(".*>= ([0-9.]+).*", "$1"));
        Map<Integer, Double> captumWorst = captumReruns();
        for (int i = 0; i < reference.batchSize(); i++) {
            double withCaptum = Fixtures.pearson(reference.item(i).data(), ours.item(i).data());
            double withItself = Fixtures.pearson(again.item(i).data(), ours.item(i).data());
            double required = Math.min(manifest, captumWorst.get(i));
            System.out.printf("kernel-shap input %d: Pearson with Captum %.4f (required %.2f; Captum's reruns "
                    + "from %.2f), with another seed %.4f%n", i, withCaptum, required, captumWorst.get(i), withItself);
            assertTrue(withItself >= 0.95, "input " + i + ": two seeds agree at " + withItself);
            assertTrue(withCaptum >= required, "input " + i + ": correlates with Captum at " + withCaptum);
        }
    }

    /** @return per input, the lowest Pearson of Captum's seed 1–3 reruns with the reference */
    private static Map<Integer, Double> captumReruns() throws IOException {
        Map<Integer, Double> worst = new java.util.TreeMap<>();
        try (var in = KernelShapTest.class.getResourceAsStream("captum_kernelshap_reruns.csv")) {
            List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines()
                    .skip(1).toList();
            for (String line : lines) {
                String[] f = line.split(",");
                int seed = Integer.parseInt(f[0]);
                int input = Integer.parseInt(f[1]);
                double r = Double.parseDouble(f[2]);
                if (seed == 0) {
                    assertEquals(1.0, r, 1e-3, "seed 0 reproduces the reference");
                } else {
                    worst.merge(input, r, Math::min);
                }
            }
        }
        assertEquals(8, worst.size());
        return worst;
    }

    @Test
    void recoversTheExactContributionsOfALinearModel() {
        // f(x) = w·x + b with baseline 0: the Shapley value of group g is Σ_{k∈g} w_k x_k
        int h = 6;
        int w = 6;
        float[] weights = new float[2 * h * w];
        float[] x = new float[2 * weights.length];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = (float) Math.sin(k + 1);
        }
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) Math.cos(3 * k);
        }
        FunctionModel linear = new FunctionModel("linear", new long[] {2, h, w}, 1,
                in -> in.reshape(in.getShape().get(0), -1)
                        .matMul(in.getManager().create(weights, new Shape(weights.length, 1))).add(0.25f));
        Tensor inputs = new Tensor(x, new long[] {2, 2, h, w});
        // 3×3 cells: 4 features per input
        Tensor map = run(linear, inputs, Objective.logit(0, 0), Map.of("mask", "grid:3", "samples", "60"), 7).map();
        for (int i = 0; i < 2; i++) {
            double[] group = new double[4];
            for (int k = 0; k < weights.length; k++) {
                int r = (k / w) % h;
                int q = k % w;
                group[(r / 3) * 2 + q / 3] += weights[k] * x[i * weights.length + k];
            }
            for (int k = 0; k < weights.length; k++) {
                int r = (k / w) % h;
                int q = k % w;
                assertEquals(group[(r / 3) * 2 + q / 3], map.data()[i * weights.length + k], 1e-5,
                        "input " + i + " element " + k);
            }
        }
    }

    @Test
    void theValuesAddUpToTheScoresChange() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Tensor map = run(model, x, Shapes.objective(2), Map.of("mask", "grid:16", "samples", "100"), 16).map();
            Tensor zero = new Tensor(new float[x.data().length], x.shape());
            Tensor fx = model.predict(x);
            Tensor f0 = model.predict(zero);
            int[] labels = Shapes.labels();
            for (int i = 0; i < 2; i++) {
                // each 16×16 cell of 3 channels holds 768 copies of its feature's value
                double sum = 0;
                for (int k = 0; k < x.itemSize(); k++) {
                    sum += map.data()[i * x.itemSize() + k];
                }
                double change = fx.data()[i * 4 + labels[i]] - f0.data()[i * 4 + labels[i]];
                assertEquals(change, sum / 768, 1e-4 * Math.abs(change) + 1e-4, "input " + i);
            }
        }
    }

    @Test
    void theSeedFixesTheResultAndBatchingDoesNot() {
        try (ExplainableModel model = Shapes.model()) {
            Tensor x = Shapes.inputs(2);
            Map<String, String> p = Map.of("mask", "grid:16", "samples", "50", "seed", "7");
            Tensor small = run(model, x, Shapes.objective(2), p, 3).map();
            Tensor large = run(model, x, Shapes.objective(2), p, 32).map();
            assertArrayEquals(large.data(), small.data(), 1e-5f);
            Tensor other = run(model, x, Shapes.objective(2), Map.of("mask", "grid:16", "samples", "50", "seed", "8"),
                    32).map();
            assertFalse(Arrays.equals(large.data(), other.data()), "another seed draws other coalitions");
        }
    }

    @Test
    void coalitionSizesFollowTheShapleyKernel() {
        int m = 6;
        int samples = 200_000;
        boolean[][] z = KernelShap.sample(m, samples, false, new SplittableRandom(1));
        assertTrue(allEqual(z[0], true) && allEqual(z[1], false), "all-on and all-off come first");
        int[] sizes = new int[m + 1];
        for (int s = 2; s < samples; s++) {
            int k = 0;
            for (boolean b : z[s]) {
                k += b ? 1 : 0;
            }
            sizes[k]++;
        }
        double total = 0;
        for (int k = 1; k < m; k++) {
            total += 1.0 / (k * (m - k));
        }
        assertEquals(0, sizes[0] + sizes[m], "sampled coalitions are never empty or full");
        for (int k = 1; k < m; k++) {
            double expected = (samples - 2) / (k * (m - k) * total);
            assertEquals(expected, sizes[k], 5 * Math.sqrt(expected), "coalitions of size " + k);
        }
    }

    private static boolean allEqual(boolean[] v, boolean value) {
        for (boolean b : v) {
            if (b != value) {
                return false;
            }
        }
        return true;
    }
}
