package dev.loupe.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Npy;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shapes fixture ({@code ../shared/fixtures/shapes}): the model on the ONNX backend, its eight
 * inputs and labels, and the peer libraries' reference attributions with their comparison rules.
 * Every reference explains the raw logit of the true class.
 */
public final class Shapes {
    private static final Pattern ELEMENTWISE = Pattern.compile("elementwise: max\\|a-b\\| <= ([0-9.e-]+) \\* max\\|b\\|");
    private static final Pattern STATISTICAL = Pattern.compile("statistical: Pearson correlation .* >= ([0-9.]+)");

    private Shapes() {
    }

    /** @return a file of the fixture folder (skips the test when the shared folder is absent) */
    public static Path file(String name) {
        return Fixtures.shared("fixtures/shapes/" + name);
    }

    /** @return {@code model.onnx} on the ONNX backend; close it */
    public static ExplainableModel model() {
        return model("model.onnx");
    }

    /** @return one of the fixture's ONNX files on the ONNX backend; close it */
    public static ExplainableModel model(String file) {
        return new OnnxBackend().load(ModelSource.of(file(file)));
    }

    /** @return the model inputs, [8, 3, 64, 64] */
    public static Tensor inputs() {
        return Fixtures.npy(file("inputs.npy"));
    }

    /** @return the first {@code n} model inputs, [n, 3, 64, 64] */
    public static Tensor inputs(int n) {
        Tensor all = inputs();
        long[] shape = all.shape().clone();
        shape[0] = n;
        return new Tensor(Arrays.copyOf(all.data(), n * all.itemSize()), shape);
    }

    /** @return the objective of the references for the first {@code n} inputs */
    public static Objective objective(int n) {
        return Objective.logit(Arrays.copyOf(labels(), n));
    }

    /** @return the true class of each input, the class every reference explains */
    public static int[] labels() {
        try {
            long[] l = Npy.readLongs(file("labels.npy"));
            int[] out = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = (int) l[i];
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the objective of the references: the logit of each input's label */
    public static Objective objective() {
        return Objective.logit(labels());
    }

    /** The layer the manifest's layer methods explain: the last ReLU, 64×16×16. */
    public static final String LAYER = "/relu3/Relu_output_0";

    /**
     * Runs a method on the eight shapes inputs as the references do (raw logit of the true class).
     *
     * @param method the method
     * @param layers layer names (empty: the method's default)
     * @param params parameters as the CLI gives them; the rest take their defaults
     * @param maxBatch the compute service's batch size
     * @return the attribution
     */
    public static Attribution explain(Explainer method, List<String> layers, Map<String, String> params, int maxBatch) {
        try (ExplainableModel model = model()) {
            ExplanationRequest request = new ExplanationRequest(objective(), layers,
                    ParameterSpec.resolve(method.descriptor().id(), method.descriptor().parameters(), params));
            return method.explain(model, inputs(), request, new TestContext(maxBatch));
        }
    }

    /** @return the reference attribution {@code refs/NAME.npy} */
    public static Tensor reference(String name) {
        return Fixtures.npy(file("refs/" + name + ".npy"));
    }

    /**
     * Compares a result with a reference by the rule the manifest states for it: elementwise
     * (max|a − b| ≤ tol · max|b| + 1e-6) or statistical (Pearson correlation per input).
     *
     * @param name the reference name in the manifest
     * @param actual the result, with the reference's shape
     */
    public static void assertMatches(String name, Tensor actual) {
        Tensor expected = reference(name);
        String rule = rule(name);
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        Matcher e = ELEMENTWISE.matcher(rule);
        Matcher s = STATISTICAL.matcher(rule);
        if (e.find()) {
            Fixtures.assertClose(expected, actual, Double.parseDouble(e.group(1)), name);
        } else if (s.find()) {
            double min = Double.parseDouble(s.group(1));
            for (int i = 0; i < expected.batchSize(); i++) {
                double r = Fixtures.pearson(expected.item(i).data(), actual.item(i).data());
                if (!(r >= min)) {
                    throw new AssertionError(name + ": input " + i + " correlates " + r + " < " + min);
                }
            }
        } else {
            throw new IllegalStateException("unknown comparison rule for " + name + ": " + rule);
        }
    }

    /** @return the manifest's comparison rule for a reference */
    public static String rule(String name) {
        try {
            JsonNode manifest = new ObjectMapper().readTree(file("refs/manifest.json").toFile());
            for (JsonNode ref : manifest.get("references")) {
                if (ref.get("name").asText().equals(name)) {
                    return ref.get("compare").asText();
                }
            }
            throw new IllegalArgumentException("no reference " + name + " in the manifest");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * How much a map lies on the object: (mean on the object − mean off it) / (max − min) of the map.
     *
     * @param map one image's map, [H·W]
     * @param object the object's mask for that image (masks.npy), [H·W], 1 on the object
     * @return the contrast, 1 when the map is its maximum on the object and its minimum elsewhere
     */
    public static double objectContrast(float[] map, float[] object) {
        double in = 0;
        double out = 0;
        int nIn = 0;
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int q = 0; q < map.length; q++) {
            if (object[q] > 0) {
                in += map[q];
                nIn++;
            } else {
                out += map[q];
            }
            min = Math.min(min, map[q]);
            max = Math.max(max, map[q]);
        }
        return (in / nIn - out / (map.length - nIn)) / (max - min);
    }
}
