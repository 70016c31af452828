package dev.loupe.metric.deletion;

import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import org.osgi.service.component.annotations.Component;

/**
 * Deletion (Petsiuk, Das &amp; Saenko 2018): the explained score as the most relevant pixels are
 * replaced by the substrate, most relevant first; a good explanation makes it fall fast, so a lower
 * area is better. The default substrate is zero, as in RISE.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + Deletion.ID)
public final class Deletion extends CausalMetric {
    /** The metric id. */
    public static final String ID = "deletion";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Deletion", CITATION, false,
            parameters("zero"),
            "The area under the class score as the pixels are removed (replaced by the substrate) in order of"
                    + " attribution; lower is better: removing the most relevant pixels first should kill the score.");

    /** Creates the metric. */
    public Deletion() {
        super(DESCRIPTOR, true);
    }
}
