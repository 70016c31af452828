package dev.loupe.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.Npy;
import dev.loupe.api.Tensor;
import dev.loupe.distribution.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** End to end: the shipped inspectors through {@code loupe inspect} on the shapes fixtures. */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class InspectIT extends BuiltInPluginsHome {
    private static final List<String> IDS = List.of("feature-maps", "filters", "prototypes", "activation-maximization",
            "embedding");

    @Test
    void theInstallationListsTheInspectors() throws Exception {
        Run r = loupe("inspect");
        assertEquals(0, r.code(), r::toString);
        for (String id : IDS) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(id + " ")), () -> id + " not listed: " + r.out());
        }
    }

    /** Every inspector writes its files and a report; the demo's inputs serve those that read inputs. */
    @Test
    void everyInspectorRunsOnTheShapesModel() throws Exception {
        Path shapes = SharedFixtures.shapes();
        String model = shapes.resolve("model.onnx").toString();
        String inputs = shapes.resolve("inputs.npy").toString();
        String labels = shapes.resolve("labels.npy").toString();
        check(loupe("inspect", "feature-maps", "--model", model, "--input", inputs, "--out", "fm"), "fm");
        check(loupe("inspect", "filters", "--model", model, "--out", "filters"), "filters");
        check(loupe("inspect", "prototypes", "--model", model, "--input", inputs, "--labels", labels, "--target", "2",
                "--out", "proto"), "proto");
        // rank,index,name,score,label: a triangle (class 2) ranks first for the triangle logit
        String first = Files.readAllLines(work.resolve("proto/ranking.csv")).get(1);
        assertTrue(first.endsWith(",2"), first);
        check(loupe("inspect", "activation-maximization", "--model", model, "--target", "1", "--param", "steps=32",
                "--out", "am"), "am");
        Tensor images = Npy.readFloats(work.resolve("am/images.npy"));
        assertEquals(3, images.shape()[1]);
        check(loupe("inspect", "embedding", "--model", model, "--input", inputs, "--labels", labels, "--param",
                "perplexity=2", "--out", "emb"), "emb");
        assertEquals(9, Files.readAllLines(work.resolve("emb/embedding.csv")).size(), "a header and 8 points");
    }

    private void check(Run r, String dir) throws Exception {
        assertEquals(0, r.code(), r::toString);
        Path out = work.resolve(dir);
        assertTrue(Files.exists(out.resolve("summary.json")), dir);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), dir + ": the report shows the figures");
        try (var pngs = Files.list(out)) {
            assertTrue(pngs.anyMatch(p -> p.toString().endsWith(".png")), dir + " wrote no figure");
        }
    }
}
