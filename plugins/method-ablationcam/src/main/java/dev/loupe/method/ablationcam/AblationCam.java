package dev.loupe.method.ablationcam;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import dev.loupe.cam.CamProbe;
import dev.loupe.cam.LayerValues;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.osgi.service.component.annotations.Component;

/**
 * Ablation-CAM (Desai &amp; Ramaswamy 2020): w_k = (y_c − y_c with channel k ablated) / y_c. A channel
 * is ablated by replacing its values in the layer: with 0 where the layer's minimum is 0 (ReLU
 * outputs, as the paper), otherwise with the minimum − 10⁷ so the channel is switched off however
 * the next layers read it (pytorch-grad-cam's choice). Forward passes only: one per channel and
 * input, batched by the compute service.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + AblationCam.ID)
public final class AblationCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "ablationcam";
    /** How far below the minimum a channel is pushed when 0 is not an "off" value. */
    private static final float FAR_BELOW = 1e7f;

    /** Registers the method. */
    public AblationCam() {
        super(describe(ID, "Ablation-CAM", "Desai & Ramaswamy 2020, Ablation-CAM: Visual Explanations for Deep "
                + "Convolutional Network via Gradient-free Localization", false, List.of(),
                "Channels weighted by how much the class score drops when the channel is switched off; no gradients, "
                        + "one forward pass per channel."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.weighted(AblationCam::weights);
    }

    private static float[] weights(LayerValues layer, CamProbe probe) {
        int channels = layer.channels();
        int item = channels * layer.plane();
        float[] a = layer.activations();
        float[] off = new float[layer.images()];
        for (int image = 0; image < off.length; image++) {
            off[image] = offValue(a, image * item, item);
        }
        float[] original = probe.objectives(1, "inputs", (NDManager m, int start, int end) ->
                new CamProbe.Probe(probe.inputRows(m, IntStream.range(start, end).toArray()), Map.of()));
        float[] ablated = probe.objectives(channels, "ablated channels", (NDManager m, int start, int end) -> {
            int[] rows = new int[end - start];
            float[] values = new float[(end - start) * item];
            for (int e = start; e < end; e++) {
                int image = e / channels;
                rows[e - start] = image;
                System.arraycopy(a, image * item, values, (e - start) * item, item);
                Arrays.fill(values, (e - start) * item + (e % channels) * layer.plane(),
                        (e - start) * item + (e % channels + 1) * layer.plane(), off[image]);
            }
            long[] shape = layer.shape();
            shape[0] = end - start;
            return new CamProbe.Probe(probe.inputRows(m, rows),
                    Map.of(layer.name(), m.create(values, new Shape(shape))));
        });
        float[] w = new float[ablated.length];
        for (int e = 0; e < w.length; e++) {
            float y = original[e / channels];
            w[e] = (y - ablated[e]) / y;
        }
        return w;
    }

    /** 0 for a layer whose minimum is 0; far below the minimum otherwise. */
    private static float offValue(float[] a, int from, int size) {
        float min = Float.POSITIVE_INFINITY;
        for (int i = from; i < from + size; i++) {
            min = Math.min(min, a[i]);
        }
        return min == 0f ? 0f : min - FAR_BELOW;
    }
}
