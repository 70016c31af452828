package dev.loupe.method.scorecam;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.loupe.api.Explainer;
import dev.loupe.api.ExplanationRequest;
import dev.loupe.cam.CamExplainer;
import dev.loupe.cam.CamFormula;
import dev.loupe.cam.CamProbe;
import dev.loupe.cam.LayerValues;
import dev.loupe.cam.MapOps;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Score-CAM (Wang et al. 2020): each channel's activation map, upsampled to the input (corners
 * aligned, as pytorch-grad-cam's {@code UpsamplingBilinear2d}) and scaled to [0, 1], masks the
 * input; the class scores of the C masked inputs, softmaxed over the channels, weight the channels.
 * Forward passes only: C per input, batched by the compute service.
 */
@Component(service = Explainer.class, property = Explainer.PROPERTY_ID + "=" + ScoreCam.ID)
public final class ScoreCam extends CamExplainer {
    /** The method id. */
    public static final String ID = "scorecam";
    /** pytorch-grad-cam's guard when it scales a mask to [0, 1]. */
    private static final double MASK_EPSILON = 1e-8;

    /** Registers the method. */
    public ScoreCam() {
        super(describe(ID, "Score-CAM", "Wang et al. 2020, Score-CAM: Score-Weighted Visual Explanations for "
                + "Convolutional Neural Networks", false, List.of(),
                "Channels weighted by the class score of the input seen through each channel's map; no gradients, "
                        + "one forward pass per channel."));
    }

    @Override
    protected CamFormula formula(ExplanationRequest request) {
        return CamFormula.weighted(ScoreCam::weights);
    }

    private static float[] weights(LayerValues layer, CamProbe probe) {
        int channels = layer.channels();
        long[] inputShape = probe.inputs().shape();
        int height = (int) inputShape[2];
        int width = (int) inputShape[3];
        int inputChannels = (int) inputShape[1];
        int plane = height * width;
        float[] x = probe.inputs().data();
        float[] a = layer.activations();
        float[] scores = probe.objectives(channels, "masked inputs", (NDManager m, int start, int end) -> {
            float[] batch = new float[(end - start) * inputChannels * plane];
            for (int e = start; e < end; e++) {
                int image = e / channels;
                int from = layer.offset(image, e % channels);
                float[] mask = MapOps.bilinear(Arrays.copyOfRange(a, from, from + layer.plane()), layer.height(),
                        layer.width(), height, width, true);
                MapOps.minMax(mask, plane, MASK_EPSILON);
                int src = image * inputChannels * plane;
                int dst = (e - start) * inputChannels * plane;
                for (int c = 0; c < inputChannels; c++) {
                    for (int p = 0; p < plane; p++) {
                        batch[dst + c * plane + p] = x[src + c * plane + p] * mask[p];
                    }
                }
            }
            long[] shape = inputShape.clone();
            shape[0] = end - start;
            return new CamProbe.Probe(m.create(batch, new Shape(shape)), Map.of());
        });
        return softmaxPerInput(scores, channels);
    }

    private static float[] softmaxPerInput(float[] scores, int channels) {
        float[] w = new float[scores.length];
        for (int start = 0; start < scores.length; start += channels) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = start; k < start + channels; k++) {
                max = Math.max(max, scores[k]);
            }
            double sum = 0;
            for (int k = start; k < start + channels; k++) {
                sum += Math.exp(scores[k] - max);
            }
            for (int k = start; k < start + channels; k++) {
                w[k] = (float) (Math.exp(scores[k] - max) / sum);
            }
        }
        return w;
    }
}
