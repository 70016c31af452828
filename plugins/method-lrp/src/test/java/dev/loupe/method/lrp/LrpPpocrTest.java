package dev.loupe.method.lrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loupe.api.Attribution;
import dev.loupe.api.ExplainableModel;
import dev.loupe.api.ModelSource;
import dev.loupe.api.Objective;
import dev.loupe.backend.onnx.OnnxBackend;
import dev.loupe.relevance.Composite;
import dev.loupe.testkit.TextLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every composite on a real network nobody here trained: PaddleOCR's text-line orientation classifier
 * (BatchNorm after every convolution, hard-swish spelled as Add-Clip-Mul-Div, squeeze-excitation
 * gates, residual additions, MatMul + Add classifier), explaining the upright class of rendered lines.
 */
class LrpPpocrTest {
    private static final Path MODEL = Path.of(System.getProperty("loupe.shared.dir", "../../../shared"))
            .resolve("models/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx").normalize();

    @Test
    void everyCompositeExplainsThePpocrClassifierAndReportsConservation() {
        assumeTrue(Files.exists(MODEL), "the shared ppocr model is absent: " + MODEL);
        TextLines.Batch lines = TextLines.batch(List.of(new TextLines.Line("HELLO WORLD 2024", "DejaVuSans.ttf"),
                new TextLines.Line("Invoice 58213", "DejaVuSerif.ttf")), 192);
        try (ExplainableModel model = new OnnxBackend().load(ModelSource.of(MODEL))) {
            for (String composite : Composite.ids()) {
                Attribution a = LrpTest.run(model, lines.input(), Objective.logit(0, 0),
                        Map.of("composite", composite), 2);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> conservation = (List<Map<String, Object>>) a.details().get("conservation");
                assertEquals(2, conservation.size());
                for (int i = 0; i < 2; i++) {
                    double sum = 0;
                    double mass = 0;
                    for (float r : a.map().item(i).data()) {
                        assertTrue(Float.isFinite(r), composite + ": a relevance is not finite");
                        sum += r;
                        mass += Math.abs(r);
                    }
                    Map<String, Object> c = conservation.get(i);
                    System.out.printf("ppocr %-26s line %d: sum of relevance %9.4f, logit %8.4f, ratio %7.4f%n",
                            composite, i, (Double) c.get("relevance"), (Double) c.get("objective"),
                            (Double) c.get("ratio"));
                    assertTrue(mass > 0, composite + ": the map is empty");
                    assertEquals(sum, (Double) c.get("relevance"), 1e-4 * mass, composite + ": reported sum");
                }
            }
        }
    }
}
