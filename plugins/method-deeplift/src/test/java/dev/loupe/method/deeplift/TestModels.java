package dev.loupe.method.deeplift;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.testkit.TestContext;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The networks of src/test/resources/models (made by src/test/python/make_deeplift_models.py). */
final class TestModels {
    private TestModels() {
    }

    /** @return a model of the test resources on the ONNX backend; close it */
    static ExplainableModel load(String name) {
        try {
            Path p = Path.of(TestModels.class.getResource("/models/" + name).toURI());
            return new OnnxBackend().load(ModelSource.of(p));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs DeepLIFT with the given parameters (the rest at their defaults). */
    static Attribution explain(ExplainableModel model, Tensor x, Objective objective, Map<String, String> params,
            int maxBatch) {
        DeepLift deeplift = new DeepLift();
        ExplanationRequest request = new ExplanationRequest(objective, List.of(),
                ParameterSpec.resolve(DeepLift.ID, deeplift.descriptor().parameters(), params));
        return deeplift.explain(model, x, request, new TestContext(maxBatch));
    }

    /** @return the sum of each input's attribution */
    static double[] sums(Attribution a) {
        int n = a.map().batchSize();
        int size = a.map().itemSize();
        double[] sums = new double[n];
        for (int p = 0; p < a.map().data().length; p++) {
            sums[p / size] += a.map().data()[p];
        }
        return sums;
    }
}
