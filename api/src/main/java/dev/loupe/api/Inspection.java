package dev.loupe.api;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an inspector found, in plain Java memory: the host writes arrays as {@code NAME.npy},
 * figures as {@code NAME.png}, tables as {@code NAME.csv}, and shows figures and details in the
 * HTML report. Maps keep their insertion order.
 *
 * @param inspectorId the inspector
 * @param arrays raw values by file name (e.g. the activations of a layer)
 * @param figures images by file name (grids, overlays, scatter plots)
 * @param tables CSV text by file name (rankings, coordinates), header first
 * @param details further facts for the summary (parameters used, scores, timings)
 */
public record Inspection(String inspectorId, Map<String, Tensor> arrays, Map<String, BufferedImage> figures,
        Map<String, String> tables, Map<String, Object> details) {

    /** Copies the maps, keeping their order. */
    public Inspection {
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
