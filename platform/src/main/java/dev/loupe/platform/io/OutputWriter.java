package dev.loupe.platform.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.api.Attribution;
import dev.loupe.api.Npy;
import dev.loupe.platform.Prediction;
import dev.loupe.render.HeatmapRenderer;
import dev.loupe.render.HeatmapStyle;
import dev.loupe.render.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes what {@code loupe predict} and {@code loupe explain} promise: {@code outputs.npy},
 * {@code attribution.npy}, {@code attribution-layer.npy}, {@code summary.json} and overlays.
 */
public final class OutputWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OutputWriter() {
    }

    /** Writes {@code dir/outputs.npy}. */
    public static Path writePrediction(Path dir, Prediction p) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("outputs.npy");
        Npy.write(f, p.scores());
        return f;
    }

    /**
     * Writes one method's results into {@code dir}.
     *
     * @param dir the output folder
     * @param a the attribution
     * @param batch the inputs (names and overlay backgrounds)
     * @param prediction the model's prediction on the inputs
     * @param facts further summary entries (model, backend, input)
     * @throws IOException if writing fails
     */
    public static void writeExplanation(Path dir, Attribution a, InputBatch batch, Prediction prediction,
            Map<String, Object> facts) throws IOException {
        writeExplanation(dir, a, batch, prediction, facts, HeatmapStyle.defaults());
    }

    /**
     * Writes one method's results into {@code dir}, drawing the overlays in a given style.
     *
     * @param style how the overlays are drawn (channel reduction, clamping, colour map, opacity)
     * @throws IOException if writing fails
     */
    public static void writeExplanation(Path dir, Attribution a, InputBatch batch, Prediction prediction,
            Map<String, Object> facts, HeatmapStyle style) throws IOException {
        Files.createDirectories(dir);
        Npy.write(dir.resolve("attribution.npy"), a.map());
        if (a.layerMap() != null) {
            Npy.write(dir.resolve("attribution-layer.npy"), a.layerMap());
        }
        for (int i = 0; i < a.map().batchSize(); i++) {
            Png.write(HeatmapRenderer.render(a.map(), i, batch.display(), style), dir.resolve("overlay-" + i + ".png"));
        }
        JSON.writeValue(dir.resolve("summary.json").toFile(), summary(a, batch.names(), prediction, facts));
    }

    private static ObjectNode summary(Attribution a, List<String> names, Prediction prediction, Map<String, Object> facts) {
        ObjectNode root = JSON.createObjectNode();
        root.put("method", a.methodId());
        facts.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
        root.set("parameters", JSON.valueToTree(a.parameters()));
        root.set("layers", JSON.valueToTree(a.layers()));
        root.set("targets", JSON.valueToTree(a.targets()));
        ArrayNode inputs = root.putArray("inputs");
        for (int i = 0; i < names.size(); i++) {
            ObjectNode in = inputs.addObject();
            in.put("name", names.get(i));
            in.put("target", a.targets()[i]);
            in.set("top", JSON.valueToTree(prediction.top().get(i)));
            if (a.convergenceDelta() != null) {
                in.put("convergenceDelta", a.convergenceDelta()[i]);
            }
            in.put("overlay", "overlay-" + i + ".png");
        }
        if (a.convergenceDelta() != null) {
            root.set("convergenceDelta", JSON.valueToTree(a.convergenceDelta()));
        }
        root.set("details", JSON.valueToTree(a.details()));
        root.set("timingsMillis", JSON.valueToTree(a.timingsMillis()));
        root.set("shape", JSON.valueToTree(a.map().shape()));
        if (a.layerMap() != null) {
            root.set("layerShape", JSON.valueToTree(a.layerMap().shape()));
        }
        return root;
    }
}
