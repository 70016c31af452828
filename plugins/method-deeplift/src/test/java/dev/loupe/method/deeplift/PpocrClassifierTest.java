package dev.loupe.method.deeplift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.testkit.TextLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real network: PaddleOCR's text-line orientation classifier (Conv, BatchNorm, Clip, HardSigmoid,
 * hard-swish as a product of two activations, squeeze-and-excitation gates, GAP, Reshape, MatMul,
 * Softmax, whose input scores the backend explains). Every nonlinear node has a rule, so the
 * contributions sum to the score difference from the zero (grey) reference.
 */
class PpocrClassifierTest {
    private static final Path MODEL = Path.of(System.getProperty("loupe.shared.dir", "../../../shared"))
            .resolve("models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx").normalize();

    @ParameterizedTest
    @ValueSource(strings = {"rescale", "reveal-cancel"})
    void explainsTextLineOrientationWithExactSums(String rule) {
        assumeTrue(Files.exists(MODEL), "the shared ppocr classifier is absent: " + MODEL);
        TextLines.Batch lines = TextLines.batch(List.of(new TextLines.Line("DeepLIFT 2017", "DejaVuSans.ttf"),
                new TextLines.Line("Orientation 0°", "DejaVuSerif.ttf")), 192);
        Tensor x = lines.input();
        try (ExplainableModel model = new OnnxBackend().load(ModelSource.of(MODEL))) {
            Tensor scores = model.predict(x);
            int[] predicted = new int[x.batchSize()];
            for (int i = 0; i < predicted.length; i++) {
                predicted[i] = scores.data()[2 * i + 1] > scores.data()[2 * i] ? 1 : 0;
            }
            Attribution a = TestModels.explain(model, x, Objective.logit(predicted), Map.of("rule", rule), 2);
            double[] sums = TestModels.sums(a);
            Tensor zero = model.predict(new Tensor(new float[x.data().length], x.shape()));
            for (int i = 0; i < sums.length; i++) {
                double difference = scores.data()[2 * i + predicted[i]] - zero.data()[2 * i + predicted[i]];
                System.out.printf("ppocr %s, line %d: Σattr %.6f, F(x) − F(0) %.6f, delta %.3g%n", rule, i, sums[i],
                        difference, a.convergenceDelta()[i]);
                assertEquals(difference, sums[i], 1e-3 * Math.abs(difference) + 1e-4, rule + ", line " + i);
                assertEquals(sums[i] - difference, a.convergenceDelta()[i], 1e-4 * Math.abs(difference) + 1e-5,
                        rule + ": reported delta, line " + i);
            }
            System.out.println("ppocr " + rule + " details: " + a.details());
            // every nonlinearity has its rule: RevealCancel finds the convolution before each (through x + 3)
            assertEquals(Map.of(), a.details(), "departures from the rules");
        }
    }
}
