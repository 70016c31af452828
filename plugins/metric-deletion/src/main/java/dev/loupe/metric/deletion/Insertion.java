package dev.loupe.metric.deletion;

import dev.loupe.api.Metric;
import dev.loupe.api.MetricDescriptor;
import org.osgi.service.component.annotations.Component;

/**
 * Insertion (Petsiuk, Das &amp; Saenko 2018): starting from the substrate, the image's pixels are put
 * back, most relevant first; a good explanation makes the explained score rise fast, so a higher area
 * is better. The default substrate is a blurred copy of the image made with RISE's own blur, so scores
 * compare with the paper's: from a blank image the first inserted pixels would make an image unlike any
 * the model has seen.
 */
@Component(service = Metric.class, property = Metric.PROPERTY_ID + "=" + Insertion.ID)
public final class Insertion extends CausalMetric {
    /** The metric id. */
    public static final String ID = "insertion";
    private static final MetricDescriptor DESCRIPTOR = new MetricDescriptor(ID, "Insertion", CITATION, true,
            parameters("rise-blur"),
            "The area under the class score as the image's pixels are put back into the substrate (by default"
                    + " a blurred copy) in order of attribution; higher is better.");

    /** Creates the metric. */
    public Insertion() {
        super(DESCRIPTOR, false);
    }
}
