package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.distribution.Launcher.Run;
import dev.loupe.testkit.TextLines;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the built-in CAM methods as the installation ships them, against the peer
 * references on the demo model and on a real network (PaddleOCR's text-line orientation
 * classifier) on rendered text.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CamMethodsIT extends BuiltInPluginsHome {
    private static final List<String> IDS = List.of("cam", "gradcam", "gradcam-plusplus", "xgradcam", "layercam",
            "hirescam", "scorecam", "eigencam", "eigengradcam", "ablationcam");
    private static final String LAYER = "/relu3/Relu_output_0";
    private static final int WIDTH = 192;

    @Test
    void theInstallationListsTheCamMethods() throws Exception {
        assertListed(IDS);
    }

    /** The demo model comes with class names (a sidecar), so the host hands methods a labelled wrapper. */
    @Test
    void everyCamMethodExplainsTheDemoWithTheLayerAutoChose() throws Exception {
        Run r = loupe("explain", "--method", String.join(",", IDS), "--out", "out");
        assertEquals(0, r.code(), r::toString);
        for (String id : IDS) {
            JsonNode summary = new ObjectMapper().readTree(work.resolve("out/" + id + "/summary.json").toFile());
            assertEquals(LAYER, summary.get("layers").get(0).asText(), id);
            assertArrayEquals(new long[] {8, 1, 64, 64}, Npy.readFloats(work.resolve("out/" + id + "/attribution.npy"))
                    .shape(), id);
            assertArrayEquals(new long[] {8, 1, 16, 16},
                    Npy.readFloats(work.resolve("out/" + id + "/attribution-layer.npy")).shape(), id);
        }
    }

    @Test
    void camMethodsMatchTheReferencesThroughTheCli() throws Exception {
        Path shapes = SharedFixtures.shapes();
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", shapes.resolve("model.onnx").toString(),
                "--input", shapes.resolve("inputs.npy").toString(), "--target", shapes.resolve("labels.npy").toString(),
                "--method", "gradcam,gradcam-plusplus,scorecam,ablationcam", "--layer", LAYER, "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        Path refs = shapes.resolve("refs");
        SharedFixtures.assertMatches(refs.resolve("gradcam_layer.npy"), out.resolve("gradcam/attribution-layer.npy"),
                1e-4);
        for (String id : List.of("gradcam", "gradcam-plusplus", "scorecam", "ablationcam")) {
            SharedFixtures.assertMatches(refs.resolve("pgc_" + id.replace('-', '_') + ".npy"),
                    out.resolve(id + "/attribution.npy"), 1e-3);
            JsonNode summary = new ObjectMapper().readTree(out.resolve(id + "/summary.json").toFile());
            assertEquals(LAYER, summary.get("layers").get(0).asText(), id + " records its layer");
        }
    }

    /**
     * PaddleOCR's orientation classifier on upright text lines: Grad-CAM and Score-CAM at the last
     * feature map before global pooling ({@code auto}) must put the map's mass on the text, not on
     * the zero padding that fills each line to 192 columns.
     */
    @Test
    void gradCamAndScoreCamLookAtTheTextOfRealTextLines() throws Exception {
        Path model = SharedFixtures.ppocrClassifier();
        TextLines.Batch lines = TextLines.batch(List.of(new TextLines.Line("DESK", "DejaVuSansMono.ttf"),
                new TextLines.Line("Tax 58", "DejaVuSerif.ttf"), new TextLines.Line("305", "DejaVuSans.ttf"),
                new TextLines.Line("Total", "DejaVuSans-Bold.ttf")), WIDTH);
        Path input = work.resolve("lines.npy");
        Npy.write(input, lines.input());
        Path out = work.resolve("out");
        Run r = loupe("explain", "--model", model.toString(), "--input", input.toString(),
                "--method", "gradcam,scorecam", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        for (String id : List.of("gradcam", "scorecam")) {
            Tensor map = Npy.readFloats(out.resolve(id + "/attribution.npy"));
            assertArrayEquals(new long[] {4, 1, TextLines.HEIGHT, WIDTH}, map.shape());
            for (int i = 0; i < 4; i++) {
                double onText = 0;
                double total = 0;
                for (int y = 0; y < TextLines.HEIGHT; y++) {
                    for (int x = 0; x < WIDTH; x++) {
                        double v = map.data()[(i * TextLines.HEIGHT + y) * WIDTH + x];
                        total += v;
                        onText += x < lines.textWidths()[i] ? v : 0;
                    }
                }
                double share = onText / total;
                double area = lines.textWidths()[i] / (double) WIDTH;
                System.out.printf("%s line %d: %.3f of the mass on the text, which is %.3f of the area%n", id, i,
                        share, area);
                assertTrue(share >= 0.9 && share > area, id + " line " + i + ": " + share
                        + " of the map's mass on the text, which covers " + area + " of the line");
                Path overlay = out.resolve(id + "/overlay-" + i + ".png");
                assertEquals(WIDTH, ImageIO.read(overlay.toFile()).getWidth(), "overlay " + overlay);
            }
            JsonNode summary = new ObjectMapper().readTree(out.resolve(id + "/summary.json").toFile());
            assertTrue(summary.get("layers").get(0).asText().length() > 0, id + " records the layer auto chose");
        }
    }
}
