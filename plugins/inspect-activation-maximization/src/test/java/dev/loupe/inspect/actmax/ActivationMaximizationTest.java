package dev.loupe.inspect.actmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Inspection;
import dev.loupe.api.InspectionRequest;
import dev.loupe.api.LoupeException;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.PassRequest;
import dev.loupe.api.PassResult;
import dev.loupe.api.Tensor;
import dev.loupe.testkit.Fixtures;
import dev.loupe.testkit.Shapes;
import dev.loupe.testkit.TestContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activation maximisation on the shapes fixture model (3×64×64, four classes). */
class ActivationMaximizationTest {
    private static final ActivationMaximization INSPECTOR = new ActivationMaximization();
    private static ExplainableModel model;

    @BeforeAll
    static void load() {
        model = Shapes.model();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static Inspection run(Tensor inputs, List<String> layers, Integer unit, Integer target, String... params) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String p : params) {
            String[] kv = p.split("=", 2);
            raw.put(kv[0], kv[1]);
        }
        Map<String, Object> resolved = ParameterSpec.resolve(ActivationMaximization.ID,
                INSPECTOR.descriptor().parameters(), raw);
        return INSPECTOR.inspect(model, new InspectionRequest(inputs, null, List.of(), null, layers, unit, target,
                resolved), new TestContext(16));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> perImage(Inspection r) {
        return (List<Map<String, Object>>) r.details().get("images");
    }

    static double objective(Inspection r, int i) {
        return ((Number) perImage(r).get(i).get("objective")).doubleValue();
    }

    @Test
    void fourierImagesFromNoiseAreClassifiedAsTheirClass() {
        Inspection r = run(null, List.of(), null, null, "steps=64", "seed=1");
        Tensor images = r.arrays().get("images");
        assertArrayEquals(new long[] {4, 3, 64, 64}, images.shape(), "one image per class");
        for (float v : images.data()) {
            assertTrue(v >= 0 && v <= 1, "images lie in [0, 1]");
        }
        // the model itself, on the images as it would see them
        float[] x = images.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - 0.4f) / 0.25f;
        }
        Tensor scores = model.predict(new Tensor(x, images.shape()));
        for (int c = 0; c < 4; c++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 4; k++) {
                max = Math.max(max, scores.data()[c * 4 + k]);
            }
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                sum += Math.exp(scores.data()[c * 4 + k] - max);
            }
            double p = Math.exp(scores.data()[c * 4 + c] - max) / sum;
            System.out.printf("class %d: softmax probability %.6f, logit %.2f%n", c, p, scores.data()[c * 4 + c]);
            assertTrue(p >= 0.9, "class " + c + ": the model gives its image probability " + p);
            assertEquals(p, ((Number) perImage(r).get(c).get("probability")).doubleValue(), 1e-4,
                    "the reported probability");
            assertEquals(c, perImage(r).get(c).get("predicted"));
        }
        assertNotNull(r.figures().get("images"));
        assertNotNull(r.figures().get("curve"));
        String csv = r.tables().get("images");
        assertTrue(csv.startsWith("index,unit,image,objective,probability,predicted\n"), csv);
        assertEquals(5, csv.split("\n").length, csv);
        assertEquals(64, r.details().get("steps"));
    }

    @Test
    void naivePixelVersionRaisesTheObjective() {
        Inspection before = run(null, List.of(), null, null, "param=pixel", "steps=0");
        Inspection after = run(null, List.of(), null, null, "param=pixel", "steps=32");
        for (int c = 0; c < 4; c++) {
            assertTrue(objective(after, c) > objective(before, c) + 1,
                    "class " + c + ": " + objective(before, c) + " -> " + objective(after, c));
        }
        assertEquals("pixel", after.details().get("parameterization"));
    }

    @Test
    void oneTargetGivesOneImage() {
        Inspection r = run(null, List.of(), null, 2, "steps=8", "images=2");
        assertArrayEquals(new long[] {2, 3, 64, 64}, r.arrays().get("images").shape());
        assertEquals("class 2", perImage(r).get(1).get("unit"));
    }

    @Test
    void channelObjectiveIncreases() {
        Inspection before = run(null, List.of(Shapes.LAYER), 5, null, "steps=0");
        Inspection after = run(null, List.of(Shapes.LAYER), 5, null, "steps=32");
        assertTrue(objective(after, 0) > objective(before, 0) + 0.1,
                "channel 5 mean: " + objective(before, 0) + " -> " + objective(after, 0));
        // the reported objective is the channel's mean on the final image
        Tensor img = after.arrays().get("images");
        assertEquals(meanOfChannel(img, 5), objective(after, 0), 1e-3 * Math.max(1, objective(after, 0)));
    }

    @Test
    void neuronObjectiveIncreases() {
        Inspection before = run(null, List.of(Shapes.LAYER), 7, null, "steps=0", "neuron=8,8");
        Inspection after = run(null, List.of(Shapes.LAYER), 7, null, "steps=32", "neuron=8,8");
        assertTrue(objective(after, 0) > objective(before, 0) + 0.1,
                "neuron (7, 8, 8): " + objective(before, 0) + " -> " + objective(after, 0));
    }

    @Test
    void startFromInputStartsFromTheInput() {
        Tensor inputs = Shapes.inputs(2);
        Tensor images = Fixtures.npy(Shapes.file("images.npy"));
        Inspection r = run(inputs, List.of(), null, 1, "steps=0", "start=input", "images=2");
        float[] got = r.arrays().get("images").data();
        for (int q = 0; q < got.length; q++) {
            assertEquals(images.data()[q], got[q], 2e-4, "pixel " + q);
        }
        // a few steps stay near it (and move towards the class)
        Inspection moved = run(inputs, List.of(), null, 1, "steps=4", "start=input", "lr=0.01", "images=2");
        double diff = 0;
        float[] m = moved.arrays().get("images").data();
        for (int q = 0; q < m.length; q++) {
            diff = Math.max(diff, Math.abs(m[q] - images.data()[q]));
        }
        assertTrue(diff > 0 && diff < 0.5, "max change after 4 small steps: " + diff);
        LoupeException e = assertThrows(LoupeException.class,
                () -> run(null, List.of(), null, 1, "start=input", "steps=1"));
        assertTrue(e.getMessage().contains("needs inputs"), e.getMessage());
    }

    @Test
    void seedsReproduce() {
        float[] a = run(null, List.of(), null, 0, "steps=6", "seed=7").arrays().get("images").data();
        float[] b = run(null, List.of(), null, 0, "steps=6", "seed=7").arrays().get("images").data();
        float[] c = run(null, List.of(), null, 0, "steps=6", "seed=8").arrays().get("images").data();
        assertArrayEquals(a, b, "same seed, same image");
        assertFalse(Arrays.equals(a, c), "another seed, another image");
    }

    @Test
    void badUnitLayerAndTargetErrorsAreClear() {
        LoupeException unit = assertThrows(LoupeException.class,
                () -> run(null, List.of(Shapes.LAYER), 64, null, "steps=1"));
        assertTrue(unit.getMessage().contains("--unit 64 is out of range") && unit.getMessage().contains("0..63"),
                unit.getMessage());
        LoupeException layer = assertThrows(LoupeException.class,
                () -> run(null, List.of("/no/such/layer"), 0, null, "steps=1"));
        assertTrue(layer.getMessage().contains("/no/such/layer"), layer.getMessage());
        LoupeException target = assertThrows(LoupeException.class, () -> run(null, List.of(), null, 4, "steps=1"));
        assertTrue(target.getMessage().contains("--target 4 is out of range") && target.getMessage().contains("0..3"),
                target.getMessage());
        LoupeException neuron = assertThrows(LoupeException.class,
                () -> run(null, List.of(Shapes.LAYER), 0, null, "neuron=16,2"));
        assertTrue(neuron.getMessage().contains("outside the layer's 16×16"), neuron.getMessage());
        LoupeException both = assertThrows(LoupeException.class, () -> run(null, List.of(Shapes.LAYER), 0, 1));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        LoupeException noUnit = assertThrows(LoupeException.class, () -> run(null, List.of(), null, null,
                "neuron=1,1"));
        assertTrue(noUnit.getMessage().contains("needs --unit"), noUnit.getMessage());
        LoupeException std = assertThrows(LoupeException.class, () -> run(null, List.of(), null, 0, "std=1,2"));
        assertTrue(std.getMessage().contains("one value or 3"), std.getMessage());
    }

    @Test
    void layerVjpThroughTheRulePassIsTheLayerGradient() {
        // the diversity's route to the input: a rule that replaces the signal at the layer by a given
        // cotangent; with the cotangent of a channel's sum it must give that channel's input gradient
        Tensor inputs = Shapes.inputs(2);
        int item = inputs.itemSize();
        long[] shape = {2, 64, 16, 16};
        int perImage = 64 * 256;
        double[][] cot = new double[2][perImage];
        int[] channels = {3, 11};
        for (int i = 0; i < 2; i++) {
            for (int q = 0; q < 256; q++) {
                cot[i][channels[i] * 256 + q] = 1;
            }
        }
        double[][] got = ActivationMaximization.layerVjp(model, new TestContext(16), Shapes.LAYER, inputs.data(),
                cot, 3, 64, 64);
        try (NDManager m = model.newManager()) {
            NDArray x = m.create(inputs.data(), new Shape(inputs.shape()));
            PassResult r = model.pass(PassRequest.inputGradient(x, Objective.channel(Shapes.LAYER, channels)));
            float[] expected = r.inputGradient().toFloatArray();
            float[] actual = new float[expected.length];
            for (int i = 0; i < 2; i++) {
                for (int q = 0; q < item; q++) {
                    actual[i * item + q] = (float) got[i][q];
                }
            }
            Fixtures.assertClose(expected, actual, 1e-4, "rule-pass VJP vs the channel objective's gradient");
        }
        assertEquals(perImage, shape[1] * shape[2] * shape[3]);
    }

    @Test
    void diversityMakesTheGramMatricesOfOneUnitLessAlike() {
        Inspection plain = run(null, List.of(Shapes.LAYER), 5, null, "steps=16", "images=3", "seed=3");
        Inspection diverse = run(null, List.of(Shapes.LAYER), 5, null, "steps=16", "images=3", "seed=3",
                "diversity=20");
        double dPlain = gramSimilarity(plain.arrays().get("images"));
        double dDiverse = gramSimilarity(diverse.arrays().get("images"));
        System.out.printf("diversity term D (mean Gram cosine between the 3 images): %.4f without, %.4f with%n",
                dPlain, dDiverse);
        assertTrue(dDiverse < dPlain - 0.05, "D " + dPlain + " -> " + dDiverse);
        assertEquals(Shapes.LAYER, diverse.details().get("diversityLayer"));
        // the objective is still pursued
        for (int i = 0; i < 3; i++) {
            assertTrue(objective(diverse, i) > 0, "channel mean of image " + i + ": " + objective(diverse, i));
        }
    }

    /** Lucid's D at the layer for a batch of images of one unit. */
    private static double gramSimilarity(Tensor images) {
        float[] x = images.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - 0.4f) / 0.25f;
        }
        try (NDManager m = model.newManager()) {
            NDArray in = m.create(x, new Shape(images.shape()));
            PassResult r = model.pass(new PassRequest(in, null, List.of(Shapes.LAYER), false, Map.of(), null));
            float[] a = r.activations().get(Shapes.LAYER).toFloatArray();
            int n = images.batchSize();
            int size = a.length / n;
            double[][] acts = new double[n][size];
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < size; q++) {
                    acts[i][q] = a[i * size + q];
                }
            }
            return Diversity.value(acts, 64, new double[n][]);
        }
    }

    private static double meanOfChannel(Tensor images, int channel) {
        float[] x = images.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - 0.4f) / 0.25f;
        }
        try (NDManager m = model.newManager()) {
            NDArray in = m.create(x, new Shape(images.shape()));
            PassResult r = model.pass(new PassRequest(in, null, List.of(Shapes.LAYER), false, Map.of(), null));
            NDArray a = r.activations().get(Shapes.LAYER);
            return a.get(0, channel).mean().getFloat();
        }
    }
}
