package dev.loupe.metric.localization;

import dev.loupe.api.ChannelReduction;
import dev.loupe.api.ExplanationContext;
import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Relevance mass accuracy (Arras, Osman &amp; Samek 2022): after the channel reduction, the share of the
 * positive attribution that lies inside the object mask, Σ_mask max(a, 0) / Σ max(a, 0). Negative
 * values count for nothing, as in CLEVR-XAI; a map with no positive value scores 0 for its input (it
 * points at nothing). Masks are resized to the map by nearest neighbour; inputs whose mask has no object
 * pixel are skipped. The main score is the mean over the evaluated inputs.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + RelevanceMass.ID)
public final class RelevanceMass implements Metric {
    /** The metric id. */
    public static final String ID = "relevance-mass";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Relevance mass accuracy",
            "Arras, Osman & Samek 2022, CLEVR-XAI: A benchmark dataset for the ground truth evaluation of neural"
                    + " network explanations, Information Fusion 81",
            true, true,
            List.of(Localization.reduction("sum keeps the sign, so evidence against the class does not count")),
            "The share of the positive attribution that falls inside the object mask, averaged over inputs;"
                    + " needs object masks.");

    @Override
    public MetricDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Result evaluate(Input input, ExplanationContext context) {
        Map<String, Object> p = Localization.resolve(DESCRIPTOR, input.parameters());
        Localization.Maps maps = Localization.prepare(ID, input, ChannelReduction.parse((String) p.get("reduction")));
        Localization.requireSome(ID, maps);
        int plane = maps.height() * maps.width();
        Map<String, Double> scores = new LinkedHashMap<>();
        double total = 0;
        int evaluated = 0;
        for (int i = 0; i < maps.n(); i++) {
            boolean[] object = maps.objects()[i];
            if (object == null) {
                continue;
            }
            double inside = 0;
            double all = 0;
            for (int q = 0; q < plane; q++) {
                float a = maps.maps()[i * plane + q];
                if (a > 0) {
                    all += a;
                    inside += object[q] ? a : 0;
                }
            }
            double mass = all > 0 ? inside / all : 0;
            scores.put("input-" + i, mass);
            total += mass;
            evaluated++;
        }
        scores.put("skipped", (double) maps.skipped());
        scores.put("score", total / evaluated);
        return new Result(ID, scores, Map.of());
    }
}
