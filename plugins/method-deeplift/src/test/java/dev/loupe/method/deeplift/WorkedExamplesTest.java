package dev.loupe.method.deeplift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.Objective;
import dev.loupe.api.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worked examples of Shrikumar et al. 2017 in closed form, reference zero: the thresholded
 * unit f(x) = max(0, x − 10) (figure 2), and min(i1, i2) = i1 − max(0, i1 − i2) (figure 3), whose
 * contributions are (0, i2) under Rescale and (min/2, min/2) under RevealCancel.
 */
class WorkedExamplesTest {
    private static final float[] XS = {-3f, 2f, 9.5f, 10f, 10.25f, 10.5f, 13f, 25f};

    @ParameterizedTest
    @ValueSource(strings = {"rescale", "reveal-cancel"})
    void aThresholdedUnitGetsItsOutputAsContributionContinuouslyAtTheThreshold(String rule) {
        try (ExplainableModel model = TestModels.load("threshold.onnx")) {
            Attribution a = TestModels.explain(model, new Tensor(XS.clone(), new long[] {XS.length, 1}),
                    Objective.logit(new int[XS.length]), Map.of("rule", rule), 3);
            for (int i = 0; i < XS.length; i++) {
                double expected = Math.max(0, XS[i] - 10);
                assertEquals(expected, a.map().data()[i], 1e-5 * Math.abs(XS[i]), rule + ", x = " + XS[i]);
                assertEquals(0, a.convergenceDelta()[i], 1e-5 * Math.abs(XS[i]), rule + " delta, x = " + XS[i]);
            }
        }
    }

    /** (i1, i2) pairs, larger first and smaller first, all positive as in the paper. */
    private static final float[][] PAIRS = {{5f, 3f}, {7.5f, 0.5f}, {2f, 1.25f}, {3f, 5f}, {0.5f, 7.5f}, {4f, 4f}};

    @ParameterizedTest
    @ValueSource(strings = {"rescale", "reveal-cancel"})
    void theMinimumOfTwoInputs(String rule) {
        float[] data = new float[PAIRS.length * 2];
        for (int i = 0; i < PAIRS.length; i++) {
            data[2 * i] = PAIRS[i][0];
            data[2 * i + 1] = PAIRS[i][1];
        }
        try (ExplainableModel model = TestModels.load("min.onnx")) {
            Attribution a = TestModels.explain(model, new Tensor(data, new long[] {PAIRS.length, 2}),
                    Objective.logit(new int[PAIRS.length]), Map.of("rule", rule), 4);
            for (int i = 0; i < PAIRS.length; i++) {
                float i1 = PAIRS[i][0];
                float i2 = PAIRS[i][1];
                float min = Math.min(i1, i2);
                // Rescale: the whole minimum goes to whichever input is smaller (i1 when they tie: h is 0)
                double[] expected = rule.equals("rescale") ? (i1 > i2 ? new double[] {0, i2} : new double[] {i1, 0})
                        : new double[] {min / 2, min / 2};
                String what = rule + ", (i1, i2) = (" + i1 + ", " + i2 + ")";
                assertEquals(expected[0], a.map().data()[2 * i], 1e-5 * Math.max(i1, i2), what + ": i1");
                assertEquals(expected[1], a.map().data()[2 * i + 1], 1e-5 * Math.max(i1, i2), what + ": i2");
            }
        }
    }
}
